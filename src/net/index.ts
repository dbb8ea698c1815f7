/**
 * The virtual network (`vmlab/net`): Ethernet frames, ARP, a MAC-learning switch and client hosts
 * with ARP caches, which the PV network driver and the migration's switchover use.
 *
 * @packageDocumentation
 */
export { VirtualSwitch, type SwitchPort } from './switch.js';
export { ClientHost, type ArpEntry } from './host.js';
export { encodeFrame, decodeFrame, macToString, macFromString, FrameError, BROADCAST, ETHERTYPE, type Frame } from './ethernet.js';
export { encodeArp, decodeArp, ipFromString, ipToString, type ArpPacket } from './arp.js';
