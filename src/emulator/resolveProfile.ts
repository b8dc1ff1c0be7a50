import type { EmulatorOptions } from './EmulatorOptions';
import { DEFAULT_MODEL_PROFILE, MODEL_PROFILES } from './modelProfiles';
import type { ModelProfile } from './modelProfiles';

/** The profile given, or the named one (default {@link DEFAULT_MODEL_PROFILE}); RangeError for an unknown name. */
export function resolveProfile(model: EmulatorOptions['model']): ModelProfile {
  if (typeof model === 'object') return model;
  const name = model ?? DEFAULT_MODEL_PROFILE;
  const profile = MODEL_PROFILES[name];
  if (profile === undefined) {
    throw new RangeError(`Unknown model profile ${name}; known: ${Object.keys(MODEL_PROFILES).join(', ')}.`);
  }
  return profile;
}
