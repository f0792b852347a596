import type { LoaderFunctionArgs } from "@remix-run/node";
import { findTalentProfile } from "../access/directory.server";
import { PREMIUM_HEADERS, requirePremium } from "../access/guard.server";
import { parseId } from "../access/inputs.server";
import { now } from "../lib/clock.server";
import { db } from "../lib/db.server";

/** vCard 3.0 text values escape backslash, comma, semicolon and line breaks. */
function vcardText(value: string): string {
  return value.replace(/[\\,;]/g, (c) => `\\${c}`).replace(/\r?\n/g, "\\n");
}

// A listed talent's contact card (vCard), a premium resource: the guard answers the login
// redirect or a 403 paywall page before anything is looked up.
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePremium(request, "talent-contact");
  const id = parseId(params.id);
  const profile = id === null ? undefined : await findTalentProfile(db(), id, now());
  if (!profile || !profile.listed) {
    return new Response("There is no such talent.", {
      status: 404,
      headers: { ...PREMIUM_HEADERS, "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  const lines = [
    "BEGIN:VCARD",
    "VERSION:3.0",
    `FN:${vcardText(profile.name)}`,
    `EMAIL;TYPE=INTERNET:${vcardText(profile.email)}`,
  ];
  if (profile.headline) lines.push(`NOTE:${vcardText(profile.headline)}`);
  lines.push("END:VCARD", "");
  return new Response(lines.join("\r\n"), {
    headers: {
      ...PREMIUM_HEADERS,
      "Content-Type": "text/vcard; charset=utf-8",
      "Content-Disposition": `attachment; filename="talent-${profile.id}.vcf"`,
    },
  });
}
