// A strategy's parameters (--set <strategy>.<key>=value) are checked by name and value before
// anything runs, and the write-flood threshold reaches the shadow.
import { describe, it, expect } from 'vitest';
import { strategyParamError, floodWrites, DEFAULT_FLOOD_WRITES } from '../../src/vmm/strategy-params.js';
import { parseCell } from '../../src/compare/cell.js';

describe('strategy parameters', () => {
  it('takes the known ones and refuses the rest, naming what it takes', () => {
    for (const [s, k, v] of [['trap-emulate', 'flood', 'off'], ['hw-shadow', 'flood', '8'], ['bt', 'flood', '1'], ['pv', 'batch', '1024']] as const) {
      expect(strategyParamError(s, k, v), `${s}.${k}=${v}`).toBeUndefined();
    }
    expect(strategyParamError('trap-emulate', 'flod', '1')).toBe('trap-emulate has no parameter "flod" (it takes: flood)');
    expect(strategyParamError('hw-nested', 'flood', 'off')).toBe('hw-nested has no parameter "flood" (it takes none)');
    expect(strategyParamError('native', 'flood', 'off')).toBe('native takes no parameters');
    for (const bad of ['0', '-1', '1.5', 'on', '', '1e3', '9999999999']) {
      expect(strategyParamError('trap-emulate', 'flood', bad), bad).toBe(`trap-emulate.flood must be "off" or a whole number from 1, not "${bad}"`);
    }
    expect(strategyParamError('pv', 'batch', 'off')).toBe('pv.batch must be a whole number from 1, not "off"');
  });

  it('flood: the default, a number, or never', () => {
    expect(floodWrites()).toBe(DEFAULT_FLOOD_WRITES);
    expect(floodWrites({ flood: '3' })).toBe(3);
    expect(floodWrites({ flood: 'off' })).toBe(Infinity);
  });

  it('a cell with a parameter its strategy does not take is refused', () => {
    const cell = { image: { uri: 'file:///x.elf', sha256: '0'.repeat(64) }, workload: 'map4m', count: 1, strategy: 'hw-nested', params: { flood: 'off' } };
    expect(() => parseCell(cell)).toThrow(/"params": hw-nested has no parameter "flood"/);
    expect(parseCell({ ...cell, strategy: 'trap-emulate' }).params).toEqual({ flood: 'off' });
  });
});
