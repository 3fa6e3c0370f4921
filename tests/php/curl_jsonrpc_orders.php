<?php
// A store integration's order flow over JSON-RPC the way the vendor's PHP samples are written
// (ext/curl, callRPC), behind a static client class that prepends the sessionID. Run against
// the sandbox by tests/test_php_soapclient.py; prints what it got as JSON on stdout.
//   php curl_jsonrpc_orders.php BASE_URL MERCHANT_CODE SECRET_KEY [CA_BUNDLE]
[$script, $base, $merchant, $secret] = $argv;

require __DIR__ . '/jsonrpc_static_client.php';

Api::$host = $base . '/rpc/6.0/';
Api::$ca = $argv[4] ?? null;
Api::login($merchant, $secret);

$Order = new stdClass();
$Order->Currency = 'EUR';
$Order->Language = 'de';
$Order->ExternalReference = 'PRESTA-4004';
$Order->Items = [(object) ['Code' => null, 'IsDynamic' => true, 'Name' => 'Support hours',
                          'Quantity' => 2, 'PriceType' => 'NET',
                          'Price' => (object) ['Amount' => 40, 'Type' => 'CUSTOM']]];
$Order->BillingDetails = (object) ['FirstName' => 'Ada', 'LastName' => 'Lovelace',
                                   'Email' => 'ada@example.com', 'CountryCode' => 'DE'];
$Order->PaymentDetails = (object) ['Type' => 'TEST', 'Currency' => 'EUR',
    'PaymentMethod' => (object) ['CardNumber' => '4111111111111111', 'CardType' => 'VISA',
                                 'ExpirationYear' => '2030', 'ExpirationMonth' => '12',
                                 'HolderName' => 'Ada Lovelace', 'CCID' => '123']];

$out = [];
$out['placed'] = Api::placeOrder($Order);
$out['order'] = Api::getOrder($out['placed']->RefNo);
// the 5.0 documentation's total refund: items ""
$out['refund'] = Api::issueRefund($out['order']->RefNo, $out['order']->GrossPrice, '',
                                  'Refund from PHP', 'Other');
$out['refunded'] = Api::getOrder($out['order']->RefNo);
$out['customer'] = Api::getCustomerInformation($out['order']->CustomerReference);
$out['again'] = Api::issueRefund($out['order']->RefNo, $out['order']->GrossPrice, [], '', '');
echo json_encode($out, JSON_PRESERVE_ZERO_FRACTION), "\n";
