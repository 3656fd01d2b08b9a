// Copies app/src into WORKDIR/src and builds it into WORKDIR/dist-VARIANT/app.min.js (+ .map)
// with esbuild (so the map names the sources `../src/…`, as a project's build does), one of
// three ways:
//   minify    — every minification (identifiers renamed)
//   light     — whitespace and syntax only (names kept), with a banner that shifts positions
//   debugid   — like `minify`, with a debug ID in the bundle (a global the SDK reads, and a
//               `//# debugId=` comment) and in the map, as bundler plugins inject them
// Usage: node build.mjs WORKDIR VARIANT [DEBUG_ID]
import * as esbuild from "esbuild";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const [workdir, variant, debugId] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));
cpSync(join(here, "app/src"), join(workdir, "src"), { recursive: true });
const outfile = join(workdir, `dist-${variant}`, "app.min.js");
const options = {
  entryPoints: [join(workdir, "src/main.js")],
  bundle: true,
  platform: "node",
  format: "cjs",
  outfile,
  sourcemap: true,
  logLevel: "error",
};
if (variant === "light") {
  Object.assign(options, {
    minifyWhitespace: true,
    minifySyntax: true,
    banner: { js: "/* a banner line that moves everything down */\n" },
  });
} else {
  options.minify = true;
}
await esbuild.build(options);

if (variant === "debugid") {
  // Appended after the code (so the map's positions stay right), before the map comment.
  const code = readFileSync(outfile, "utf8");
  const at = code.lastIndexOf("//# sourceMappingURL=");
  const register =
    `;(function(){var g=globalThis;g._sentryDebugIds=g._sentryDebugIds||{};` +
    `g._sentryDebugIds[new Error().stack]=${JSON.stringify(debugId)};})();\n`;
  writeFileSync(
    outfile,
    code.slice(0, at) + register + `//# debugId=${debugId}\n` + code.slice(at),
  );
  const map = JSON.parse(readFileSync(outfile + ".map", "utf8"));
  map.debug_id = debugId;
  writeFileSync(outfile + ".map", JSON.stringify(map));
}
