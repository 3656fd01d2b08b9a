// The real @sentry/node SDK reports an error thrown inside a minified bundle.
// Usage: node send.mjs DSN RELEASE BUNDLE
import * as Sentry from "@sentry/node";
import { createRequire } from "node:module";

const [dsn, release, bundle] = process.argv.slice(2);
Sentry.init({ dsn, release, environment: "production", tracesSampleRate: 0 });
const app = createRequire(import.meta.url)(bundle);
try {
  app.loadSettings(["a", "b", "c", "d", "e"]);
  console.error("no error thrown");
  process.exit(2);
} catch (e) {
  Sentry.captureException(e);
}
if (!(await Sentry.flush(10000))) {
  console.error("the SDK did not flush");
  process.exit(3);
}
