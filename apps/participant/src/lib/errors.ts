import { m } from '#lib/paraglide/messages.js';
import { baseLocale, getLocale, type Locale } from '#lib/paraglide/runtime.js';
import { ModelError } from '@tablemap/model';
import { friendlyError } from '@tablemap/ui';

/**
 * The refusals a phone can meet, in the phone's language (the shared English vocabulary is
 * `ERROR_MESSAGES` in @tablemap/ui; `errors.test.ts` keeps the English messages equal to it).
 * Organiser-only codes (backups, reports, logos…) are not here: a phone never sees them.
 */
export const PHONE_ERRORS: Readonly<Record<string, (inputs?: Record<string, never>, options?: { locale?: Locale }) => string>> = {
  invalid_input: m.error_invalid_input,
  not_found: m.error_not_found,
  duplicate: m.error_duplicate,
  vote_limit: m.error_vote_limit,
  not_allowed: m.error_not_allowed,
  wrong_doc: m.error_wrong_doc,
  network: m.error_network,
  http: m.error_server,
  bad_response: m.error_bad_response,
  forbidden: m.error_forbidden,
  unauthorized: m.error_unauthorized,
  unknown_event: m.error_unknown_event,
  unknown_table: m.error_unknown_table,
  unknown_code: m.error_unknown_code,
  unknown_group: m.error_unknown_group,
  event_deleted: m.error_event_deleted,
  rate_limited: m.error_rate_limited,
  consent_required: m.error_consent_required,
  body_too_large: m.error_body_too_large,
  no_round: m.error_no_round,
  over_budget: m.error_busy,
  storage_unavailable: m.error_storage_unavailable,
  internal_error: m.error_server,
  shutting_down: m.error_shutting_down,
  busy: m.error_busy,
  timeout: m.error_timeout,
  unavailable: m.error_unavailable,
  cooling_down: m.error_cooling_down,
  event_busy: m.error_event_busy,
  board_rule: m.error_board_rule,
  too_many_connections: m.error_too_many_connections,
};

/**
 * A refusal in the phone's language. In English it is `friendlyError` (with a model refusal's own
 * specific reason); in another language the code's message, else the screen's own (translated) fallback.
 */
export function phoneError(error: unknown, fallback?: string): string {
  if (getLocale() === baseLocale) return friendlyError(error, fallback);
  const translated = error instanceof ModelError ? PHONE_ERRORS[error.code] : undefined;
  return translated?.() ?? fallback ?? m.error_generic();
}

/** Runs one model mutation for a screen: '' when it went through, else why not in the phone's language. */
export function phoneTry(action: () => void): string {
  try {
    action();
    return '';
  } catch (error) {
    return phoneError(error, m.error_change_refused());
  }
}
