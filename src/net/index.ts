/**
 * The virtual network (`vmlab/net`): Ethernet frames, ARP, a MAC-learning switch and client hosts
 * with ARP caches, an uplink joining two hosts' switches over a byte stream, and a closed-loop echo
 * client: what the PV network driver and the migration's switchover use.
 *
 * @packageDocumentation
 */
export { VirtualSwitch, type SwitchPort } from './switch.js';
export { ClientHost, type ArpEntry } from './host.js';
export { encodeFrame, decodeFrame, macToString, macFromString, FrameError, BROADCAST, ETHERTYPE, type Frame } from './ethernet.js';
export { encodeArp, decodeArp, ipFromString, ipToString, type ArpPacket } from './arp.js';
export { SwitchUplink, type ByteLink } from './uplink.js';
export { EchoClient } from './echo-client.js';
