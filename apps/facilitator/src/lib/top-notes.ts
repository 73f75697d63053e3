import type { Note, TableSnapshot } from '@tablemap/model';

export interface RankedNote {
  note: Note;
  tableId: string;
  votes: number;
}

/** The most-voted notes across all tables, most votes first; ties go to the older note so the list does not jump. */
export function topVotedNotes(tables: Record<string, { snapshot: TableSnapshot }>, limit = 8): RankedNote[] {
  const ranked: RankedNote[] = [];
  for (const [tableId, { snapshot }] of Object.entries(tables)) {
    for (const note of snapshot.notes) {
      const votes = snapshot.votes[note.id]?.total ?? 0;
      if (votes > 0) ranked.push({ note, tableId, votes });
    }
  }
  return ranked
    .sort((a, b) => b.votes - a.votes || a.note.createdAt - b.note.createdAt || a.note.id.localeCompare(b.note.id))
    .slice(0, limit);
}
