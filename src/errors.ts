/**
 * The function's one error: a setting it cannot start with. Every check of a setting throws it,
 * with a message that starts with the variable's name and says what the variable allows; an error
 * it wraps (an expression RE2JS refused) stays as its `cause`.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
