import { parseConfig } from "./config.js";

export function loadSettings(entries) {
  const parsed = parseConfig(entries);
  return { parsed };
}
