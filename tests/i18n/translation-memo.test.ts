import { createInstance } from "i18next";
import type { i18n as I18n } from "i18next";
import { describe, expect, it } from "vitest";
import { i18nOptions } from "../../app/i18n/config";
import { i18nFor } from "../../app/i18n/i18next.server";
import {
  memoizeTranslations,
  TRANSLATION_MEMO_LIMIT,
} from "../../app/i18n/translation-memo.server";

/** An instance over a small catalog whose underlying translate calls are counted. */
function countedInstance(): { instance: I18n; calls: () => number; missing: string[] } {
  const missing: string[] = [];
  const instance = createInstance();
  void instance.init({
    ...i18nOptions,
    lng: "en",
    ns: ["common"],
    initImmediate: false,
    saveMissing: true,
    missingKeyHandler: (_lngs, _ns, key) => {
      memo.missed();
      missing.push(key);
    },
    resources: {
      en: {
        common: {
          hello: "Hello",
          greet: "Hello {{name}}",
          days_one: "{{count}} day",
          days_other: "{{count}} days",
        },
      },
    },
  });
  let count = 0;
  const underlying = instance.t.bind(instance) as unknown as (...args: unknown[]) => unknown;
  instance.t = ((...args: unknown[]) => {
    count++;
    return underlying(...args);
  }) as unknown as I18n["t"];
  const memo = memoizeTranslations(instance);
  return { instance, calls: () => count, missing };
}

describe("translations remembered on the server", () => {
  it("answers a repeated key and options from memory, with the same text", () => {
    const { instance, calls } = countedInstance();
    const t = instance.getFixedT("en");
    expect(t("common:hello")).toBe("Hello");
    expect(t("common:greet", { name: "Amina" })).toBe("Hello Amina");
    expect(t("common:days", { count: 1 })).toBe("1 day");
    expect(t("common:days", { count: 3 })).toBe("3 days");
    expect(calls()).toBe(4);
    expect(t("common:hello")).toBe("Hello");
    expect(t("common:greet", { name: "Amina" })).toBe("Hello Amina");
    expect(t("common:days", { count: 3 })).toBe("3 days");
    expect(calls()).toBe(4);
    // other values are other texts
    expect(t("common:greet", { name: "Youssef" })).toBe("Hello Youssef");
    expect(t("common:days", { count: 2 })).toBe("2 days");
    expect(calls()).toBe(6);
  });

  it("passes options that are not plain data straight through, every time", () => {
    const { instance, calls } = countedInstance();
    const t = instance.getFixedT("en");
    const when = new Date("2026-12-06T10:00:00Z");
    t("common:greet", { name: "A", when });
    t("common:greet", { name: "A", when });
    t("common:greet", { name: "A", toString: () => "x" });
    t("common:greet", { name: "A", toString: () => "x" });
    expect(calls()).toBe(4);
  });

  it("never remembers a missing key: each use is reported", () => {
    const { instance, missing } = countedInstance();
    const t = instance.getFixedT("en");
    t("common:nowhere");
    t("common:nowhere");
    expect(missing).toEqual(["nowhere", "nowhere"]);
  });

  it("forgets everything past its limit instead of growing", () => {
    const { instance, calls } = countedInstance();
    const t = instance.getFixedT("en");
    for (let i = 0; i < TRANSLATION_MEMO_LIMIT; i++) t("common:greet", { name: `n${i}` });
    t("common:greet", { name: "n0" });
    expect(calls()).toBe(TRANSLATION_MEMO_LIMIT);
    t("common:greet", { name: `n${TRANSLATION_MEMO_LIMIT}` });
    t("common:greet", { name: "n0" });
    expect(calls()).toBe(TRANSLATION_MEMO_LIMIT + 2);
  });

  it("is on for the app's instances: French and English stay apart", () => {
    expect(i18nFor("fr").t.name).toBe("remembering");
    const fr = i18nFor("fr").getFixedT("fr");
    const en = i18nFor("en").getFixedT("en");
    for (let round = 0; round < 2; round++) {
      expect(fr("common:nav.login")).toBe("Se connecter");
      expect(en("common:nav.login")).toBe("Log in");
    }
  });
});
