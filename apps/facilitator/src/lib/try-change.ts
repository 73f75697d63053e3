/**
 * Runs one model mutation for a facilitator screen. Returns '' when it went through, or the refusal
 * message (the model's ModelError says why in plain words) for the screen to show.
 */
export function tryChange(action: () => void): string {
  try {
    action();
    return '';
  } catch (err) {
    return err instanceof Error ? err.message : 'That change was refused.';
  }
}
