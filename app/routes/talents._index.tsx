import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { RouteHandle } from "../i18n/handle";
import { translateMessage } from "../i18n/messages";
import { requestWords } from "../i18n/words.server";
import { listTalents } from "../access/directory.server";
import { PREMIUM_HEADERS, premiumAccess } from "../access/guard.server";
import { parseDirectoryQuery } from "../access/inputs.server";
import { MAX_SEARCH_LENGTH } from "../access/limits";
import { Paywall } from "../components/paywall";
import { SiteHeader } from "../components/site-header";
import { now } from "../lib/clock.server";
import { db } from "../lib/db.server";

export const handle: RouteHandle = {
  i18n: ["talents", "billing"],
  title: (t) => t("common:nav.talents"),
};

export const headers: HeadersFunction = () => PREMIUM_HEADERS;

function pageHref(page: number, search: string): string {
  const params = new URLSearchParams();
  if (search) params.set("q", search);
  if (page > 1) params.set("page", String(page));
  const query = params.toString();
  return query ? `/talents?${query}` : "/talents";
}

export async function loader({ request }: LoaderFunctionArgs) {
  const access = await premiumAccess(request, "talent-directory");
  const user = { name: access.user.name, role: access.user.role };
  const query = parseDirectoryQuery(new URL(request.url));
  const empty = {
    user,
    search: query.search,
    talents: [],
    total: 0,
    page: query.page,
    pageCount: 0,
    previous: null,
    next: null,
    first: "/talents",
  };
  if (!access.allowed) {
    return data(
      { ...empty, paywall: access.paywall, searchError: null },
      { status: 403, headers: PREMIUM_HEADERS },
    );
  }
  if (query.searchError) {
    return data(
      { ...empty, paywall: null, searchError: query.searchError },
      { status: 400, headers: PREMIUM_HEADERS },
    );
  }

  const result = await listTalents(db(), { page: query.page, search: query.search, now: now() });
  const w = await requestWords(request);
  return data(
    {
      user,
      search: query.search,
      talents: result.talents.map((t) => ({
        id: t.id,
        name: t.name,
        headline: t.headline,
        memberSince: w.date(t.memberSince),
      })),
      total: result.total,
      page: result.page,
      pageCount: result.pageCount,
      previous:
        result.page > 1 && result.page <= result.pageCount
          ? pageHref(result.page - 1, query.search)
          : null,
      first: pageHref(1, query.search),
      next:
        result.page >= 1 && result.page < result.pageCount
          ? pageHref(result.page + 1, query.search)
          : null,
      paywall: null,
      searchError: null,
    },
    { headers: PREMIUM_HEADERS },
  );
}

export default function TalentDirectory() {
  const {
    user,
    search,
    talents,
    total,
    page,
    pageCount,
    previous,
    next,
    first,
    paywall,
    searchError,
  } = useLoaderData<typeof loader>();
  const { t } = useTranslation("talents");
  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="page">
        <h1>{t("common:nav.talents")}</h1>
        {paywall ? (
          <Paywall
            message={paywall.message}
            paymentPath={paywall.paymentPath}
            offer={paywall.offer}
          />
        ) : (
          <>
            <Form method="get" role="search" className="card">
              <div className="field">
                <label htmlFor="q">{t("talents:directory.searchLabel")}</label>
                <input
                  id="q"
                  name="q"
                  type="search"
                  defaultValue={search}
                  maxLength={MAX_SEARCH_LENGTH}
                  aria-invalid={searchError ? true : undefined}
                  aria-describedby={searchError ? "q-error" : undefined}
                />
                {searchError ? (
                  <p className="field-error" id="q-error">
                    {translateMessage(t, searchError)}
                  </p>
                ) : null}
              </div>
              <button type="submit" className="button">
                {t("talents:directory.search")}
              </button>
            </Form>
            {searchError ? null : (
              <section className="card" aria-labelledby="results-heading">
                <h2 id="results-heading" style={{ overflowWrap: "anywhere" }}>
                  {search
                    ? t("talents:directory.namedLike", { search })
                    : t("talents:directory.all")}{" "}
                  <span className="muted">({total})</span>
                </h2>
                {talents.length === 0 ? (
                  total > 0 ? (
                    <p className="muted">
                      {t("talents:directory.emptyPage")}{" "}
                      <Link to={first}>{t("talents:directory.firstPage")}</Link>
                    </p>
                  ) : (
                    <p className="muted">{t("talents:directory.none")}</p>
                  )
                ) : (
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{t("talents:directory.name")}</th>
                        <th scope="col">{t("talents:profile.headline")}</th>
                        <th scope="col">{t("talents:memberSince")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {talents.map((talent) => (
                        <tr key={talent.id}>
                          <td>
                            <Link to={`/talents/${talent.id}`}>{talent.name}</Link>
                          </td>
                          <td>{talent.headline ?? <span className="muted">-</span>}</td>
                          <td>{talent.memberSince}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
                {pageCount > 1 && talents.length > 0 ? (
                  <nav aria-label={t("talents:directory.pages")}>
                    {previous ? <Link to={previous}>{t("talents:directory.previous")}</Link> : null}{" "}
                    <span className="muted">
                      {t("talents:directory.pageOf", { page, count: Math.max(pageCount, 1) })}
                    </span>{" "}
                    {next ? <Link to={next}>{t("talents:directory.next")}</Link> : null}
                  </nav>
                ) : null}
              </section>
            )}
          </>
        )}
      </main>
    </>
  );
}
