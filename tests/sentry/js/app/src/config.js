// The application code the source-map test minifies: the error is thrown here, two calls deep.
export function parseConfig(entries) {
  const count = entries.length;
  if (count > 3) {
    throw new Error("bad config with " + count + " entries");
  }
  return count;
}
