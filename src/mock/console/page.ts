// The console page: static HTML (no values in it; the script fills the tables from
// /_sandbox/state), styled inline, served by the mock with a policy that runs only its own script.
export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>wxpay-chain sandbox</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d2125; }
  h1 { font-size: 1.3rem; margin: 0 0 .3rem; } h2 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
  table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #d7dbe0; padding: .25rem .4rem; text-align: left; vertical-align: top; }
  th { background: #f3f5f7; } td.empty { color: #8a9099; font-style: italic; }
  pre { margin: 0; max-height: 6rem; overflow: auto; white-space: pre-wrap; word-break: break-all; font-size: 12px; }
  button { margin-right: .25rem; } ol { margin: 0; padding-left: 1.2rem; }
  .state-SUCCESS { color: #0a7a32; font-weight: 600; } .state-PAYERROR, .state-CLOSED, .state-REVOKED { color: #b3261e; }
  #bar { color: #5b616b; }
</style>
</head>
<body>
<h1>wxpay-chain sandbox</h1>
<div id="bar"><span id="updated">loading…</span> · <span id="message"></span></div>
<h2>Orders</h2><div id="orders"></div>
<h2>Refunds</h2><div id="refunds"></div>
<h2>Notification deliveries</h2><div id="deliveries"></div>
<h2>Recorded requests</h2><div id="requests"></div>
<script src="/_sandbox/console.js"></script>
</body>
</html>
`;
