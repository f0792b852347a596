import { useTranslation } from "react-i18next";
import type { CompanyWords } from "../billing/member-words.server";

/** The company's name, tax id and billing address, as given at Checkout and printed on invoices. */
export function CompanyDetails({ company }: { company: CompanyWords }) {
  const { t } = useTranslation("billing");
  return (
    <section className="card" aria-labelledby="company-heading">
      <h2 id="company-heading">{t("billing:company.heading")}</h2>
      <dl className="details" data-testid="company-details">
        {company.name ? (
          <>
            <dt>{t("billing:company.name")}</dt>
            <dd>{company.name}</dd>
          </>
        ) : null}
        {company.taxId ? (
          <>
            <dt>{company.taxId.label}</dt>
            <dd>{company.taxId.value}</dd>
          </>
        ) : null}
        {company.address.length > 0 ? (
          <>
            <dt>{t("billing:company.address")}</dt>
            <dd>
              <address>
                {company.address.map((line, index) => (
                  <span key={index}>
                    {index > 0 ? <br /> : null}
                    {line}
                  </span>
                ))}
              </address>
            </dd>
          </>
        ) : null}
      </dl>
      <p className="muted">{t("billing:company.hint")}</p>
    </section>
  );
}
