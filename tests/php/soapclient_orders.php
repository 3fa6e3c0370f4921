<?php
// A store integration's order flow the way the vendor's SOAP samples are written: a static
// client class that logs in once and prepends the sessionID to every call. Run against the
// sandbox by tests/test_php_soapclient.py; prints what it got as JSON on stdout.
//   php soapclient_orders.php BASE_URL MERCHANT_CODE SECRET_KEY [CA_BUNDLE]
[$script, $base, $merchant, $secret] = $argv;

require __DIR__ . '/soap_static_client.php';

Client::connect($base . '/soap/6.0/', $merchant, $secret, $argv[4] ?? null);

$Order = new stdClass();
$Order->RefNo = null;
$Order->Currency = 'usd';
$Order->Country = 'US';
$Order->Language = 'en';
$Order->CustomerIP = '10.0.0.1';
$Order->ExternalReference = 'WOO-3003';
$Order->ExternalCustomerReference = 'WOO-CUSTOMER-9';
$Order->Items = [];
$Order->Items[0] = new stdClass();
$Order->Items[0]->Code = 'TeamPlan2024';
$Order->Items[0]->Quantity = 3;
$Order->BillingDetails = new stdClass();
$Order->BillingDetails->FirstName = 'Ada';
$Order->BillingDetails->LastName = 'Lovelace';
$Order->BillingDetails->Email = 'ada@example.com';
$Order->BillingDetails->CountryCode = 'US';
$Order->PaymentDetails = new stdClass();
$Order->PaymentDetails->Type = 'TEST';
$Order->PaymentDetails->Currency = 'usd';
$Order->PaymentDetails->CustomerIP = '10.0.0.1';
$Order->PaymentDetails->PaymentMethod = new stdClass();
$Order->PaymentDetails->PaymentMethod->CardNumber = '4111111111111111';
$Order->PaymentDetails->PaymentMethod->CardType = 'visa';
$Order->PaymentDetails->PaymentMethod->ExpirationYear = '2030';
$Order->PaymentDetails->PaymentMethod->ExpirationMonth = '12';
$Order->PaymentDetails->PaymentMethod->HolderName = 'Ada Lovelace';
$Order->PaymentDetails->PaymentMethod->CCID = '123';

$out = [];
$out['placed'] = Client::placeOrder($Order);
$out['order'] = Client::getOrder($out['placed']->RefNo);
$out['refund'] = Client::issueRefund($out['order']->RefNo, $out['order']->GrossPrice, [],
                                     'Refund from PHP', 'Other');
$out['refunded'] = Client::getOrder($out['order']->RefNo);
$out['customer'] = Client::getCustomerInformation($out['order']->CustomerReference,
                                                  'WOO-CUSTOMER-9');
try {
    Client::issueRefund($out['order']->RefNo, $out['order']->GrossPrice, [], '', 'Other');
    $out['fault'] = null;
} catch (SoapFault $e) {
    $out['fault'] = ['code' => $e->faultcode, 'message' => $e->getMessage()];
}
echo json_encode($out, JSON_PRESERVE_ZERO_FRACTION), "\n";
