import { useTranslation } from "react-i18next";
import type { ChargeWords } from "../billing/member-words.server";

/** Every charge, one-time and subscription alike; stacked rows on a phone (table.stack). */
export function ChargeHistory({ charges }: { charges: ChargeWords[] }) {
  const { t } = useTranslation("billing");
  if (charges.length === 0) return <p className="muted">{t("billing:history.none")}</p>;
  const date = t("billing:history.date");
  const what = t("billing:history.what");
  const amount = t("billing:history.amount");
  const state = t("billing:history.state");
  const reference = t("billing:history.reference");
  return (
    <table className="stack">
      <thead>
        <tr>
          <th scope="col">{date}</th>
          <th scope="col">{what}</th>
          <th scope="col">{amount}</th>
          <th scope="col">{state}</th>
          <th scope="col">{reference}</th>
        </tr>
      </thead>
      <tbody>
        {charges.map((c) => (
          <tr key={c.key}>
            <td data-label={date}>{c.date}</td>
            <td data-label={what}>{c.description}</td>
            <td data-label={amount} className="amount">
              {c.amount}
            </td>
            <td data-label={state}>
              <span className={`badge ${c.status}`}>{c.statusLabel}</span>
            </td>
            <td data-label={reference}>
              {c.reference ? (
                <span>
                  {c.reference.href ? (
                    <a href={c.reference.href}>{c.reference.label}</a>
                  ) : (
                    c.reference.label
                  )}
                  {c.pdfHref ? (
                    <>
                      {" "}
                      <a
                        href={c.pdfHref}
                        aria-label={t("billing:history.pdfLabel", { reference: c.reference.label })}
                      >
                        {t("billing:history.pdf")}
                      </a>
                    </>
                  ) : null}
                  {c.receiptHref ? (
                    <>
                      {" "}
                      <a
                        href={c.receiptHref}
                        aria-label={t("billing:history.receiptLabel", {
                          reference: c.reference.label,
                        })}
                      >
                        {t("billing:history.receipt")}
                      </a>
                    </>
                  ) : null}
                </span>
              ) : (
                <span className="muted">{t("billing:history.noReference")}</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
