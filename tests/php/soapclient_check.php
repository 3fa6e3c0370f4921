<?php
// An independent SOAP client, as PHP-era integrations used it (ext/soap SoapClient), run against
// the sandbox by tests/test_php_soapclient.py. Prints what it got as JSON on stdout.
//   php soapclient_check.php BASE_URL MERCHANT_CODE SECRET_KEY [CA_BUNDLE]
// Over https, CA_BUNDLE is the CA PHP trusts, through the SoapClient's stream context (which
// also fetches the WSDL), with the peer's certificate and name checked.
[$script, $base, $merchant, $secret] = $argv;
$url = $base . '/soap/6.0/';
$options = [
    'location' => $url,
    'cache_wsdl' => WSDL_CACHE_NONE,
    'features' => SOAP_SINGLE_ELEMENT_ARRAYS,
    'exceptions' => true,
];
if (isset($argv[4])) {
    $options['stream_context'] = stream_context_create(['ssl' => [
        'cafile' => $argv[4], 'verify_peer' => true, 'verify_peer_name' => true,
    ]]);
}
$client = new SoapClient($url . '?wsdl', $options);
$date = gmdate('Y-m-d H:i:s');
$hash = hash_hmac('sha256', strlen($merchant) . $merchant . strlen($date) . $date, $secret);
$sessionID = $client->login($merchant, $date, $hash, 'sha256');

$out = [];
$out['lead'] = $client->getLead($sessionID, '60E6C4B574');
$out['product'] = $client->getProductByCode($sessionID, 'NewProdCodeAPI12345');

// The documented read, change, write flow (the seed's updateProduct example).
$myProduct = $client->getProductByCode($sessionID, 'NewProdCodeAPI12345');
$myProduct->ProductName = 'Edited_From_PHP';
$out['updateProduct'] = $client->updateProduct($sessionID, $myProduct);
$out['setProductStatus'] = $client->setProductStatus($sessionID, 'YourProductCode', true);

// The catalog calls beyond the first eight: an array of objects, and a search by filters
// (an array standing for the ProductSearchOptions struct, fields left out sent as nil).
$out['pricingConfigurations'] = $client->getPricingConfigurations($sessionID, 'TeamPlan2024');
$out['searchProducts'] = $client->searchProducts($sessionID,
    ['Name' => 'plan', 'Types' => ['REGULAR'], 'Enabled' => true, 'Limit' => 1, 'Page' => 1]);

try {
    $client->getLead($sessionID, 'NOSUCHLEAD');
    $out['fault'] = null;
} catch (SoapFault $e) {
    $out['fault'] = ['code' => $e->faultcode, 'message' => $e->getMessage()];
}
echo json_encode($out, JSON_PRESERVE_ZERO_FRACTION), "\n";
