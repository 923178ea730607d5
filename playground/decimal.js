// Exact sums and differences of the decimal strings the module gives ("620.03"),
// with BigInt: money is never a binary float here either.
"use strict";

/** `text` as [digits without the point, places], or null if it is no decimal. */
function decParse(text) {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return null;
  const places = (m[3] || "").length;
  const digits = BigInt(m[2] + (m[3] || ""));
  return [m[1] === "-" ? -digits : digits, places];
}

function decScaled([digits, places], to) {
  return digits * 10n ** BigInt(to - places);
}

function decFormat(digits, places) {
  const negative = digits < 0n;
  let text = (negative ? -digits : digits).toString().padStart(places + 1, "0");
  if (places > 0) text = text.slice(0, -places) + "." + text.slice(-places);
  return (negative ? "-" : "") + text;
}

/** a + b of two decimal strings, exactly; null if either is not a decimal. */
function decAdd(a, b) {
  const x = decParse(a);
  const y = decParse(b);
  if (!x || !y) return null;
  const places = Math.max(x[1], y[1]);
  return decFormat(decScaled(x, places) + decScaled(y, places), places);
}

/** a - b of two decimal strings, exactly; null if either is not a decimal. */
function decSub(a, b) {
  const y = decParse(b);
  return y ? decAdd(a, decFormat(-y[0], y[1])) : null;
}

/** The sign of a decimal string: -1, 0 or 1. */
function decSign(text) {
  const x = decParse(text);
  return !x || x[0] === 0n ? 0 : x[0] < 0n ? -1 : 1;
}
