/** A calendar day written YYYY-MM-DD ("2027-02-28") as people read it ("28 February 2027"); the text itself if it is not a date. */
export function formatDay(day: string, locale?: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(date.getTime())) return day;
  return date.toLocaleDateString(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}
