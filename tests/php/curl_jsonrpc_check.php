<?php
// An independent JSON-RPC client, as the documented PHP samples call the API (ext/curl), run
// against the sandbox by tests/test_php_soapclient.py. Prints what it got as JSON on stdout.
//   php curl_jsonrpc_check.php BASE_URL MERCHANT_CODE SECRET_KEY [CA_BUNDLE]
// Over https, CA_BUNDLE is the CA curl trusts (CURLOPT_CAINFO), peer and host name checked.
[$script, $base, $merchant, $secret] = $argv;
$host = $base . '/rpc/6.0/';
$ca = $argv[4] ?? null;

function callRPC($request, $host, $ca) {
    $curl = curl_init($host);
    curl_setopt($curl, CURLOPT_POST, true);
    curl_setopt($curl, CURLOPT_RETURNTRANSFER, true);
    curl_setopt($curl, CURLOPT_HTTPHEADER, ['Content-Type: application/json',
                                            'Accept: application/json']);
    curl_setopt($curl, CURLOPT_POSTFIELDS, json_encode($request));
    curl_setopt($curl, CURLOPT_SSL_VERIFYPEER, true);
    curl_setopt($curl, CURLOPT_SSL_VERIFYHOST, 2);
    if ($ca !== null) {
        curl_setopt($curl, CURLOPT_CAINFO, $ca);
    }
    $answer = curl_exec($curl);
    if ($answer === false) {
        fwrite(STDERR, 'curl error: ' . curl_error($curl) . "\n");
        exit(3);
    }
    $decoded = json_decode($answer);
    if (isset($decoded->error)) {
        fwrite(STDERR, 'JSON-RPC error: ' . json_encode($decoded->error) . "\n");
        exit(4);
    }
    return $decoded->result;
}

$date = gmdate('Y-m-d H:i:s');
$hash = hash_hmac('sha256', strlen($merchant) . $merchant . strlen($date) . $date, $secret);
$id = 1;
$sessionID = callRPC(['jsonrpc' => '2.0', 'method' => 'login', 'id' => $id++,
                      'params' => [$merchant, $date, $hash, 'sha256']], $host, $ca);
$out = [];
$out['lead'] = callRPC(['jsonrpc' => '2.0', 'method' => 'getLead', 'id' => $id++,
                        'params' => [$sessionID, '60E6C4B574']], $host, $ca);
$out['product'] = callRPC(['jsonrpc' => '2.0', 'method' => 'getProductByCode', 'id' => $id++,
                           'params' => [$sessionID, 'NewProdCodeAPI12345']], $host, $ca);

// What store integrations do with a product after json_decode: index its lists as arrays.
// Were they "0"-keyed objects, PHP would die here with "Cannot use object of type stdClass
// as array" (and count() would throw a TypeError).
$product = $out['product'];
$first = $product->PricingConfigurations[0];
$out['indexed'] = [
    'configurations' => count($product->PricingConfigurations),
    'code' => $first->Code,
    'renewal' => $first->Prices->Renewal[0]->Amount,
    'regular' => array_map(fn($price) => $price->Amount, $first->Prices->Regular),
    'option' => $first->Prices->Regular[0]->OptionCodes[0]->Options[1],
    // a lead keeps its documented "0"-keyed lists, read as the getLead example shows them
    'leadItem' => $out['lead']->Items->{'0'}->Code,
];
echo json_encode($out, JSON_PRESERVE_ZERO_FRACTION), "\n";
