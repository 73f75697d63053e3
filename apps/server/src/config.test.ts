import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, readEnv } from './config.ts';

describe('quota settings', () => {
  it('reads the per-minute quotas from the environment, keeps the defaults when unset, and refuses nonsense', () => {
    const defaults = readEnv({}).limits;
    expect(defaults.participantItemsPerMinute).toBe(DEFAULT_LIMITS.participantItemsPerMinute);
    expect(defaults.participantBytesPerMinute).toBe(DEFAULT_LIMITS.participantBytesPerMinute);
    expect(defaults.eventBytesPerMinute).toBe(DEFAULT_LIMITS.eventBytesPerMinute);
    const raised = readEnv({ PARTICIPANT_ITEMS_PER_MINUTE: '5000', PARTICIPANT_BYTES_PER_MINUTE: '262144', EVENT_BYTES_PER_MINUTE: '16777216' }).limits;
    expect(raised).toMatchObject({ participantItemsPerMinute: 5000, participantBytesPerMinute: 262144, eventBytesPerMinute: 16777216 });
    expect(() => readEnv({ EVENT_BYTES_PER_MINUTE: 'lots' })).toThrow('EVENT_BYTES_PER_MINUTE must be a positive whole number, got "lots"');
    expect(() => readEnv({ PARTICIPANT_ITEMS_PER_MINUTE: '0' })).toThrow('PARTICIPANT_ITEMS_PER_MINUTE must be a positive whole number');
  });
});
