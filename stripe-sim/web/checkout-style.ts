import { raw } from "./html.js";

/** Inline so the hosted page works with no other requests; modelled on Stripe Checkout's look. */
export const CHECKOUT_STYLE = raw(`
*{box-sizing:border-box}
html,body{margin:0;padding:0}
body{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Ubuntu,Arial,sans-serif;color:#1a1f36;background:#fff;font-size:14px;line-height:1.4;-webkit-font-smoothing:antialiased}
.checkout{min-height:100vh;display:grid;grid-template-columns:1fr;}
@media (min-width:900px){.checkout{grid-template-columns:1fr 1fr}.summary{box-shadow:15px 0 30px 0 rgba(0,0,0,.04);}}
.summary{background:#f7f8fa;padding:48px 24px 32px;display:flex;justify-content:flex-end}
.payment{padding:48px 24px;display:flex;justify-content:flex-start}
.summary-inner,.payment-inner{width:100%;max-width:380px}
@media (max-width:899px){.summary,.payment{justify-content:center}}
.topbar{display:flex;align-items:center;gap:12px;margin-bottom:32px}
.back{display:inline-flex;align-items:center;gap:6px;color:#1a1f36;text-decoration:none;font-weight:500;padding:4px 8px 4px 4px;border-radius:6px}
.back:hover{background:#ebeef1}
.merchant{font-weight:600;font-size:15px}
.badge{font-size:11px;font-weight:700;letter-spacing:.04em;text-transform:uppercase;color:#b3063d;background:#ffde92;border-radius:4px;padding:2px 6px}
.pay-label{color:#697386;font-size:16px;font-weight:500;margin:0 0 4px}
.total{font-size:36px;font-weight:600;letter-spacing:-.02em;margin:0 0 32px;font-variant-numeric:tabular-nums}
.items{list-style:none;margin:0;padding:0}
.item{display:grid;grid-template-columns:1fr auto;gap:2px 12px;padding:12px 0}
.item-name{font-weight:500}
.item-qty{color:#697386;font-size:13px}
.item-amount{font-weight:500;text-align:right;font-variant-numeric:tabular-nums}
.rows{border-top:1px solid #e3e8ee;margin-top:12px;padding-top:12px}
.row{display:flex;justify-content:space-between;padding:6px 0;font-variant-numeric:tabular-nums}
.row.due{font-weight:600;border-top:1px solid #e3e8ee;margin-top:6px;padding-top:12px}
h1{font-size:20px;font-weight:600;margin:0 0 20px}
.banner{background:#fff1f0;border:1px solid #fdd2cd;color:#a41c0e;border-radius:6px;padding:10px 12px;margin:0 0 16px}
form{margin:0}
.field{margin-bottom:14px}
label{display:block;color:#3c4257;font-size:13px;font-weight:500;margin:0 0 4px}
input{width:100%;font:inherit;font-size:15px;color:#1a1f36;background:#fff;border:1px solid #d5dbe1;border-radius:6px;padding:9px 11px;box-shadow:0 1px 1px rgba(0,0,0,.03);outline:none;transition:border-color .15s,box-shadow .15s}
select{width:100%;font:inherit;font-size:15px;color:#1a1f36;background:#fff;border:1px solid #d5dbe1;border-radius:6px;padding:9px 11px}
.then{color:#697386;margin:-24px 0 28px}
.per{font-size:16px;color:#697386;font-weight:500;letter-spacing:0}
input:focus{border-color:#0570de;box-shadow:0 0 0 3px rgba(5,112,222,.2)}
input[aria-invalid=true]{border-color:#df1b41;color:#df1b41}
.card-grid{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.field-error{color:#df1b41;font-size:13px;margin:4px 0 0}
.pay{width:100%;margin-top:10px;border:0;border-radius:6px;background:#0074d4;color:#fff;font:inherit;font-size:16px;font-weight:600;padding:12px 16px;cursor:pointer;box-shadow:0 1px 2px rgba(0,0,0,.1)}
.pay:hover{background:#0066ba}
.pay:disabled{opacity:.7;cursor:progress}
.note{color:#697386;font-size:12px;margin-top:16px}
.testcards{margin-top:20px;color:#697386;font-size:12px}
.testcards summary{cursor:pointer}
.testcards code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;color:#3c4257}
.center{min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f7f8fa;padding:24px}
.card{background:#fff;border-radius:12px;box-shadow:0 7px 14px rgba(60,66,87,.08),0 3px 6px rgba(0,0,0,.08);padding:32px;max-width:440px;width:100%;text-align:center}
.card h1{margin-bottom:8px}
.card p{color:#3c4257}
.actions{display:grid;gap:10px;margin-top:24px}
.secondary{background:#fff;color:#1a1f36;border:1px solid #d5dbe1}
.secondary:hover{background:#f7f8fa}
.link{color:#0570de;text-decoration:none;font-weight:500}
.footer{color:#a3acb9;font-size:12px;margin-top:40px}
`);
