<?php
// A plugin's "cancel this customer's subscription, later re-enable it" flow over JSON-RPC the
// way the vendor's PHP samples are written (ext/curl, callRPC), behind a static client class
// that prepends the sessionID. Run against the sandbox by tests/test_php_soapclient.py; prints
// what it got as JSON on stdout.
//   php curl_jsonrpc_subscriptions.php BASE_URL MERCHANT_CODE SECRET_KEY [CA_BUNDLE]
[$script, $base, $merchant, $secret] = $argv;

require __DIR__ . '/jsonrpc_static_client.php';

Api::$host = $base . '/rpc/6.0/';
Api::$ca = $argv[4] ?? null;
Api::login($merchant, $secret);

$out = [];
// the JSON-RPC sample passes only the customer's reference
$out['found'] = Api::getCustomerSubscriptions(435384557);
$reference = $out['found'][0]->SubscriptionReference;
$out['cancel'] = Api::cancelSubscription($reference);
$out['cancelled'] = Api::getSubscription($reference);
$out['enable'] = Api::enableSubscription($reference);
$out['enabled'] = Api::getSubscription($reference);
$out['refused'] = Api::cancelSubscription($reference, ['CHURN_REASON_COVID'], 'free text');
echo json_encode($out, JSON_PRESERVE_ZERO_FRACTION), "\n";
