import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ModelError } from './errors.ts';
import {
  addNote,
  addOrganisation,
  castVote,
  linkOrganisations,
  readTable,
  removeLink,
  removeNote,
  removeOrganisation,
  retractVote,
  setPosition,
  updateLink,
  updateNote,
  updateOrganisation,
  type Actor,
} from './table-doc.ts';
import { createTableTheme, mergeTableThemes, moveNotesToTableTheme, removeTableTheme, updateTableTheme } from './table-board.ts';
import { clearInfluence, rateInfluence } from './influence.ts';
import { seededRandom } from './random.ts';
import { migrate } from './versions.ts';
import { LINK_STATUSES, NOTE_KINDS, RELATIONSHIP_KIND_IDS } from './vocabulary.ts';

interface Replica {
  doc: Y.Doc;
  actor: Actor;
  outbox: Uint8Array[];
}

const GROUPS = ['carer', 'vcse', 'housing', 'lived_experience', 'commissioner'];
const rules = { votesPerParticipant: 3, allowStackedVotes: true };

function pick<T>(random: () => number, items: readonly T[]): T | undefined {
  return items.length === 0 ? undefined : items[Math.floor(random() * items.length)];
}

function randomMutation(replica: Replica, random: () => number): void {
  const { doc, actor } = replica;
  const table = readTable(doc);
  const orgId = pick(random, table.organisations)?.id;
  const otherOrgId = pick(random, table.organisations)?.id;
  const link = pick(random, table.links);
  const note = pick(random, table.notes);
  const theme = pick(random, table.tableThemes);
  const otherTheme = pick(random, table.tableThemes);
  const choice = Math.floor(random() * 16);
  switch (choice) {
    case 0:
    case 1:
      addOrganisation(doc, { name: `Org ${Math.floor(random() * 30)}`, sector: pick(random, GROUPS)! }, actor);
      return;
    case 2:
      if (orgId) updateOrganisation(doc, orgId, { remit: `remit ${random().toFixed(3)}` });
      return;
    case 3:
      if (orgId) removeOrganisation(doc, orgId);
      return;
    case 4:
    case 5:
      if (orgId && otherOrgId && orgId !== otherOrgId) {
        linkOrganisations(doc, { source: orgId, target: otherOrgId, kind: pick(random, RELATIONSHIP_KIND_IDS)! }, actor);
      }
      return;
    case 6:
      if (link) updateLink(doc, link.id, { status: pick(random, LINK_STATUSES)!, strength: 1 + Math.floor(random() * 3) });
      return;
    case 7:
      if (link) removeLink(doc, link.id);
      return;
    case 8:
      addNote(doc, { text: `note ${random().toFixed(4)}`, kind: pick(random, NOTE_KINDS)!, organisationIds: orgId ? [orgId] : [] }, actor);
      return;
    case 9:
      if (note) {
        if (random() < 0.5) updateNote(doc, note.id, { text: `edited ${random().toFixed(3)}` }, { ...actor, isFacilitator: true });
        else removeNote(doc, note.id, { ...actor, isFacilitator: true });
      }
      return;
    case 10:
      if (note) {
        if (random() < 0.7) castVote(doc, note.id, actor, rules);
        else retractVote(doc, note.id, actor);
      }
      return;
    case 11:
      // The power round: two phones rating the same organisation, or one rating while another removes it.
      if (orgId) {
        if (random() < 0.8) rateInfluence(doc, orgId, Math.floor(random() * 6), actor);
        else clearInfluence(doc, orgId, actor);
      }
      return;
    case 12:
      createTableTheme(doc, { title: `Theme ${Math.floor(random() * 8)}` }, actor, note ? [note.id] : []);
      return;
    case 13:
      if (note) moveNotesToTableTheme(doc, [note.id], random() < 0.8 && theme ? theme.id : null);
      return;
    case 14:
      if (theme && otherTheme && theme.id !== otherTheme.id) mergeTableThemes(doc, theme.id, otherTheme.id);
      else if (theme) updateTableTheme(doc, theme.id, { title: `Renamed ${Math.floor(random() * 8)}` });
      return;
    case 15:
      if (theme) removeTableTheme(doc, theme.id);
      return;
    default:
      if (orgId) setPosition(doc, orgId, { x: random() * 800, y: random() * 600 });
  }
}

/** Delivers a random batch of pending updates, in random order, sometimes merged into one update. */
function deliverSome(replicas: Replica[], random: () => number, everything = false): void {
  for (const sender of replicas) {
    const take = everything ? sender.outbox.length : Math.floor(random() * (sender.outbox.length + 1));
    const batch = sender.outbox.splice(0, take);
    if (batch.length === 0) continue;
    for (const receiver of replicas) {
      if (receiver === sender) continue;
      const shuffled = [...batch].sort(() => random() - 0.5);
      if (random() < 0.3) Y.applyUpdate(receiver.doc, Y.mergeUpdates(shuffled), 'remote');
      else for (const update of shuffled) Y.applyUpdate(receiver.doc, update, 'remote');
    }
  }
}

/** Runs the scenario; returns the replicas and how many mutations went through (refusals not counted). */
function runScenario(seed: number, replicaCount: number, steps: number): { replicas: Replica[]; applied: number } {
  let applied = 0;
  const random = seededRandom(seed);
  const replicas: Replica[] = Array.from({ length: replicaCount }, (_, index) => {
    const doc = new Y.Doc();
    const replica: Replica = { doc, actor: { group: GROUPS[index % GROUPS.length]!, participantId: `p${index}` }, outbox: [] };
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') replica.outbox.push(update);
    });
    migrate(doc, 'table');
    return replica;
  });
  for (let step = 0; step < steps; step++) {
    const replica = pick(random, replicas)!;
    try {
      const before = Y.encodeStateVector(replica.doc);
      randomMutation(replica, random);
      if (!equalBytes(before, Y.encodeStateVector(replica.doc))) applied += 1;
    } catch (error) {
      // Refusals (duplicate names, vote limits, concurrently deleted items) are part of normal use.
      if (!(error instanceof ModelError)) throw error;
    }
    if (random() < 0.3) deliverSome(replicas, random);
  }
  deliverSome(replicas, random, true);
  return { replicas, applied };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}

describe('randomized convergence', () => {
  it('3–5 replicas applying random mutations and exchanging updates in random order end identical', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 3, max: 5 }), (seed, replicaCount) => {
        const { replicas, applied } = runScenario(seed, replicaCount, 120);
        const [first, ...rest] = replicas.map((replica) => readTable(replica.doc));
        for (const other of rest) {
          // On failure fast-check prints the seed and replica count to replay it.
          expect(other).toEqual(first);
        }
        // The scenario really edited (a run of refusals only would prove nothing).
        expect(applied).toBeGreaterThan(20);
        // Whatever raced (a note deleted while moved, a theme merged away), no board reference dangles.
        const noteIds = new Set(first!.notes.map((note) => note.id));
        for (const board of first!.tableThemes) for (const noteId of board.noteIds) expect(noteIds.has(noteId)).toBe(true);
        // Ratings are read only for organisations still on the map, and each medians one rating per replica at most.
        const orgIds = new Set(first!.organisations.map((org) => org.id));
        for (const summary of Object.values(first!.influence)) {
          expect(orgIds.has(summary.organisationId)).toBe(true);
          expect(summary.count).toBeLessThanOrEqual(replicaCount);
        }
      }),
      { numRuns: Number(process.env.CONVERGENCE_RUNS ?? 40) },
    );
  }, 120_000);
});
