<?php
// A plugin's "cancel this customer's subscription, later re-enable it" flow the way the
// vendor's SOAP samples are written: a static client class that logs in once and prepends the
// sessionID to every call. Run against the sandbox by tests/test_php_soapclient.py; prints
// what it got as JSON on stdout.
//   php soapclient_subscriptions.php BASE_URL MERCHANT_CODE SECRET_KEY [CA_BUNDLE]
[$script, $base, $merchant, $secret] = $argv;

require __DIR__ . '/soap_static_client.php';

Client::connect($base . '/soap/6.0/', $merchant, $secret, $argv[4] ?? null);

$out = [];
$out['found'] = Client::getCustomerSubscriptions(435384557, 'SEED-CUSTOMER-1');
$reference = $out['found'][0]->SubscriptionReference;
$out['cancel'] = Client::cancelSubscription($reference, ['CHURN_REASON_NOT_SATISFIED_PRODUCT'],
                                            '');
$out['cancelled'] = Client::getSubscription($reference);
$out['enable'] = Client::enableSubscription($reference);
$out['enabled'] = Client::getSubscription($reference);
try {
    Client::cancelSubscription($reference, ['CHURN_REASON_BORED']);
    $out['fault'] = null;
} catch (SoapFault $e) {
    $out['fault'] = ['code' => $e->faultcode, 'message' => $e->getMessage()];
}
echo json_encode($out, JSON_PRESERVE_ZERO_FRACTION), "\n";
