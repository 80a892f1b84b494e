// The rules behind src/request/model-tables.ts, shared by the writer and its tests (CommonJS,
// so jest can require it).

// A request field is the merchant's own request number when it is one of the merchant's `out_…`
// fields and the documentation labels it a bill/request/serial number (单号, 流水号, 指令编号):
// WeChat Pay answers a repeated number with the first request's outcome instead of acting twice.
const REQUEST_NUMBER_NAME = /^out_[a-z_]+$/;
const REQUEST_NUMBER_LABEL = /单号|流水号|指令编号/;

function isRequestNumber(field) {
  return REQUEST_NUMBER_NAME.test(field.name) && REQUEST_NUMBER_LABEL.test(field.label ?? '');
}

function idempotencyTable(model) {
  const table = {};
  for (const endpoint of [...model.endpoints].sort((a, b) => (a.template < b.template ? -1 : 1))) {
    for (const operation of endpoint.operations) {
      if (operation.method === 'get') continue;
      const found = new Set();
      for (const field of operation.request.fields) {
        if (field.in === 'path' && isRequestNumber(field)) found.add(`path.${field.name}`);
        if (field.name === 'json' || field.name === 'xml' || field.name === 'query') {
          for (const child of field.children ?? []) if (isRequestNumber(child)) found.add(`${field.name}.${child.name}`);
        }
      }
      if (found.size) table[`${operation.method.toUpperCase()} ${endpoint.template}`] = [...found].sort();
    }
  }
  return table;
}

function unsignedV2Answers(model) {
  const list = [];
  for (const endpoint of model.endpoints) {
    if (!endpoint.template.startsWith('v2/')) continue;
    for (const operation of endpoint.operations) {
      if (operation.response.kind !== 'xml') continue;
      if (!operation.response.fields.some((field) => field.name === 'sign')) list.push(`${operation.method.toUpperCase()} ${endpoint.template}`);
    }
  }
  return list.sort();
}

module.exports = { REQUEST_NUMBER_NAME, REQUEST_NUMBER_LABEL, isRequestNumber, idempotencyTable, unsignedV2Answers };
