// The PHP sample reader: every construct the documentation's samples use, and the errors.
import { PhpSyntaxError, RuntimeValue, readPhpCall, readPhpValue } from './php.js';

test('scalars: quoted strings with their escapes, numbers, true/false/null', () => {
  expect(readPhpValue(String.raw`'it\'s \\ \n'`)).toBe("it's \\ \\n");
  expect(readPhpValue(String.raw`"tab\there \"q\" \$x \u{4e2d}"`)).toBe('tab\there "q" $x 中');
  expect(readPhpValue('-12')).toBe(-12);
  expect(readPhpValue('3.25')).toBe(3.25);
  expect(readPhpValue('TRUE')).toBe(true);
  expect(readPhpValue('false')).toBe(false);
  expect(readPhpValue('null')).toBeNull();
});

test('keyed arrays become objects, lists become arrays, nesting and trailing commas', () => {
  const source = `[
    'stock_id' => '',   // 批次号
    'json' => [
      # a comment
      'amount' => ['total' => 100, 'currency' => 'CNY',],
      'goods' => [[ 'id' => 'a' ], [ 'id' => 'b' ]],
      /* block */ 'days' => [1, 2, 3],
      'empty' => [],
      'old' => array('x' => 1),
    ],
  ]`;
  expect(readPhpValue(source)).toEqual({
    stock_id: '',
    json: { amount: { total: 100, currency: 'CNY' }, goods: [{ id: 'a' }, { id: 'b' }], days: [1, 2, 3], empty: [], old: { x: 1 } },
  });
  expect(readPhpValue("[0 => 'a', 1 => 'b']")).toEqual(['a', 'b']);
  expect(readPhpValue("[1 => 'a', 'k' => 'b']")).toEqual({ '1': 'a', k: 'b' });
});

test('json_encode of a literal is its JSON text; runtime expressions are marked, not evaluated', () => {
  expect(readPhpValue("\\json_encode(['a' => 1, 'b' => ['x', 'y']], JSON_UNESCAPED_UNICODE)")).toBe('{"a":1,"b":["x","y"]}');
  const value = readPhpValue("['body' => $media->getStream(), 'meta' => \\json_encode($meta), 'h' => new Foo('a,b'), 'i' => \"id-$x\"]") as Record<string, unknown>;
  expect(value.body).toEqual(new RuntimeValue('$media->getStream()'));
  expect(value.meta).toBeInstanceOf(RuntimeValue);
  expect(value.h).toEqual(new RuntimeValue("new Foo('a,b')"));
  expect(value.i).toBeInstanceOf(RuntimeValue);
});

test('syntax errors say where', () => {
  expect(() => readPhpValue("['a' => 1")).toThrow(PhpSyntaxError);
  expect(() => readPhpValue("'open")).toThrow(/unterminated string/);
  expect(() => readPhpValue("[['x'] => 1]")).toThrow(/array key/);
  expect(() => readPhpValue("1 2")).toThrow(/after the value/);
});

test('the three calling styles of a sample', () => {
  expect(readPhpCall("$response = $instance->v3->marketing->favor->stocks->_stock_id_->pause->post([\n  'stock_id' => '',\n]);")).toEqual({
    style: 'chain',
    segments: ['v3', 'marketing', 'favor', 'stocks', '_stock_id_', 'pause'],
    verb: 'post',
    options: { stock_id: '' },
  });
  expect(readPhpCall("$instance->chain('v3/certificates')->getAsync([\n  'query' => ['algorithm_type' => 'RSA'],\n])\n->then(static function() {})->wait();")).toEqual({
    style: 'declarative',
    segments: [],
    template: 'v3/certificates',
    verb: 'getAsync',
    options: { query: { algorithm_type: 'RSA' } },
  });
  expect(readPhpCall("$response = $instance['v3/merchant-service/complaint-notifications']->delete();")).toEqual({
    style: 'attribute',
    segments: [],
    template: 'v3/merchant-service/complaint-notifications',
    verb: 'delete',
    options: undefined,
  });
  expect(() => readPhpCall('echo 1;')).toThrow(/no \$instance/);
  expect(() => readPhpCall('$instance->v3->pay->send([]);')).toThrow(/unexpected call send/);
});
