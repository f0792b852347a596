import type { ChargeWords } from "../billing/member-words.server";

/** Every charge, one-time and subscription alike; stacked rows on a phone (table.stack). */
export function ChargeHistory({ charges }: { charges: ChargeWords[] }) {
  if (charges.length === 0) return <p className="muted">No payments yet.</p>;
  return (
    <table className="stack">
      <thead>
        <tr>
          <th scope="col">Date</th>
          <th scope="col">Description</th>
          <th scope="col">Amount</th>
          <th scope="col">Status</th>
          <th scope="col">Reference</th>
        </tr>
      </thead>
      <tbody>
        {charges.map((c) => (
          <tr key={c.key}>
            <td data-label="Date">{c.date}</td>
            <td data-label="Description">{c.description}</td>
            <td data-label="Amount" className="amount">
              {c.amount}
            </td>
            <td data-label="Status">
              <span className={`badge ${c.status}`}>{c.statusLabel}</span>
            </td>
            <td data-label="Reference">
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
                      <a href={c.pdfHref} aria-label={`${c.reference.label} as PDF`}>
                        PDF
                      </a>
                    </>
                  ) : null}
                </span>
              ) : (
                <span className="muted">None</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
