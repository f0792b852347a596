import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { listTalents } from "../access/directory.server";
import { PREMIUM_HEADERS, premiumAccess } from "../access/guard.server";
import { parseDirectoryQuery } from "../access/inputs.server";
import { MAX_SEARCH_LENGTH } from "../access/limits";
import { Paywall } from "../components/paywall";
import { SiteHeader } from "../components/site-header";
import { now } from "../lib/clock.server";
import { db } from "../lib/db.server";
import { formatDate } from "../lib/format";

export const meta: MetaFunction = () => [{ title: "Talent directory | Talents Acting" }];

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
  return data(
    {
      user,
      search: query.search,
      talents: result.talents.map((t) => ({
        id: t.id,
        name: t.name,
        headline: t.headline,
        memberSince: formatDate(t.memberSince),
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
  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="page">
        <h1>Talent directory</h1>
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
                <label htmlFor="q">Search by name</label>
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
                    {searchError}
                  </p>
                ) : null}
              </div>
              <button type="submit" className="button">
                Search
              </button>
            </Form>
            {searchError ? null : (
              <section className="card" aria-labelledby="results-heading">
                <h2 id="results-heading" style={{ overflowWrap: "anywhere" }}>
                  {search ? `Talents named like "${search}"` : "Talents"}{" "}
                  <span className="muted">({total})</span>
                </h2>
                {talents.length === 0 ? (
                  total > 0 ? (
                    <p className="muted">
                      No talents on this page. <Link to={first}>Go to the first page</Link>
                    </p>
                  ) : (
                    <p className="muted">No talents found.</p>
                  )
                ) : (
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Name</th>
                        <th scope="col">Headline</th>
                        <th scope="col">Member since</th>
                      </tr>
                    </thead>
                    <tbody>
                      {talents.map((t) => (
                        <tr key={t.id}>
                          <td>
                            <Link to={`/talents/${t.id}`}>{t.name}</Link>
                          </td>
                          <td>{t.headline ?? <span className="muted">-</span>}</td>
                          <td>{t.memberSince}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
                {pageCount > 1 && talents.length > 0 ? (
                  <nav aria-label="Pages">
                    {previous ? <Link to={previous}>Previous page</Link> : null}{" "}
                    <span className="muted">
                      Page {page} of {Math.max(pageCount, 1)}
                    </span>{" "}
                    {next ? <Link to={next}>Next page</Link> : null}
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
