/** What a character counter says, GOV.UK style: characters left, or how many too many. */
export interface CharacterCount {
  /** Characters left; negative when over the limit. */
  remaining: number;
  over: boolean;
  /** Close to the limit (the last 20%), when the counter turns to a warning colour and speaks. */
  near: boolean;
  message: string;
}

const NUMBER = new Intl.NumberFormat('en-GB');

/**
 * Counts the way the model's limits do (string length after trimming the ends), so the counter and the
 * refusal always agree.
 */
export function characterCount(text: string, max: number): CharacterCount {
  const remaining = max - text.trim().length;
  const over = remaining < 0;
  const near = !over && remaining <= Math.max(1, Math.floor(max * 0.2));
  const plural = (count: number) => `${NUMBER.format(count)} character${count === 1 ? '' : 's'}`;
  const message = over ? `${plural(-remaining)} too many` : `${plural(remaining)} left`;
  return { remaining, over, near, message };
}
