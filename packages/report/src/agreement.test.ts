import { describe, expect, it } from 'vitest';
import { pdfText } from '@tablemap/test-support';
import { renderReport } from './report.ts';
import { SECTION_TITLES } from './sections.ts';
import type { ReportSnapshot } from './types.ts';

const snapshot: ReportSnapshot = {
  event: {
    title: 'Agreement report',
    groups: [{ id: 'carer', label: 'Carers and family' }, { id: 'lived_experience', label: 'People with lived experience' }],
    sectors: [{ id: 'housing', label: 'Housing' }, { id: 'primary_care', label: 'Primary care' }],
    prompts: [],
    tables: [{ id: 't1', name: 'Table 1' }, { id: 't2', name: 'Table 2' }],
  },
  tables: [],
  insights: {
    mappingTables: 2,
    contested: [{ from: 'Eastfield GP', to: 'Crisis Housing', existingAt: ['Table 1'], disputedAt: ['Table 2 (broken)'] }],
    livedExperienceOnly: [{ from: 'Peer Café', to: 'Crisis Housing', groups: ['carer', 'lived_experience'] }],
    eiSentence: 'The network has more cross-sector ties than chance would give for these sector sizes (E-I 0.60 against 0.20 expected); that is unlikely to be chance (p = 0.004).',
    eiSectors: [
      { sector: 'housing', observed: 0.6, expected: 0.2, pValue: 0.004, sentence: 'The Housing sector has more cross-sector ties than chance.' },
      { sector: 'primary_care', observed: null, expected: null, pValue: null, sentence: 'The Primary care sector has no ties, so there is nothing to test.' },
    ],
    brokerage: [{ sector: 'housing', sentence: 'The Housing sector brokers 3 indirect connections, most often as a gatekeeper: it lets other sectors in.' }],
    cutVertices: ['Crisis Housing'],
  },
};

describe('the agreement and statistics section', () => {
  it('prints contested links, links only lived-experience or carer participants drew, the E-I test and brokerage in words', async () => {
    const text = (await pdfText(await renderReport(snapshot, { sections: ['agreement-and-statistics'] }))).replace(/\s+/g, ' ');
    expect(text).toContain(SECTION_TITLES['agreement-and-statistics']);
    expect(text).toContain('Eastfield GP – Crisis Housing');
    expect(text).toContain('Table 2 (broken)');
    expect(text).toContain('Carers and family, People with lived experience');
    expect(text).toContain('that is unlikely to be chance (p = 0.004)');
    expect(text).toContain('0.004');
    expect(text).not.toContain('The Primary care sector has no ties'); // untested sectors are left out of the table
    expect(text).toContain('most often as a gatekeeper');
    expect(text).toContain('part of the network would be cut off: Crisis Housing.');
  });

  it('says plainly when there is nothing to show', async () => {
    const empty = { ...snapshot, insights: { ...snapshot.insights!, contested: [], livedExperienceOnly: [], brokerage: [], cutVertices: [] } };
    const text = (await pdfText(await renderReport(empty, { sections: ['agreement-and-statistics'] }))).replace(/\s+/g, ' ');
    expect(text).toContain('No table contradicted another.');
    expect(text).toContain('No link was drawn by these groups alone.');
    const none = (await pdfText(await renderReport({ ...snapshot, insights: undefined }, { sections: ['agreement-and-statistics'] }))).replace(/\s+/g, ' ');
    expect(none).toContain('No agreement or statistics were available for this report.');
  });

  it('refuses malformed insights with a message naming the problem', async () => {
    const bad = { ...snapshot, insights: { ...snapshot.insights!, contested: [{ from: 'A' }] } } as unknown as ReportSnapshot;
    await expect(renderReport(bad)).rejects.toThrow(/insights/);
  });
});

describe('the change-over-time section', () => {
  it('prints the metric sentences and what was gained and lost, or says no earlier event was chosen', async () => {
    const change = {
      earlierTitle: 'Learning exchange 2025',
      metrics: ['The number of organisations mapped rose from 3 to 4.'],
      gainedOrganisations: ['Crisis Housing'],
      lostOrganisations: ['Old Drop-in'],
      gainedLinks: ['Eastfield GP – Crisis Housing'],
      lostLinks: [],
    };
    const text = (await pdfText(await renderReport({ ...snapshot, change }, { sections: ['change-over-time'] }))).replace(/\s+/g, ' ');
    expect(text).toContain('Compared with Learning exchange 2025.');
    expect(text).toContain('The number of organisations mapped rose from 3 to 4.');
    expect(text).toContain('Organisations no longer mapped (1)');
    expect(text).toContain('Old Drop-in');
    expect(text).toContain('No link was lost.');
    const none = (await pdfText(await renderReport(snapshot, { sections: ['change-over-time'] }))).replace(/\s+/g, ' ');
    expect(none).toContain('No earlier event was chosen for comparison.');
  });
});
