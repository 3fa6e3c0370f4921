<?php
// A plugin's "cancel this customer's subscription, later re-enable it" flow over JSON-RPC the
// way the vendor's PHP samples are written (ext/curl, callRPC), behind a static client class
// that prepends the sessionID. Run against the sandbox by tests/test_php_soapclient.py; prints
// what it got as JSON on stdout.
//   php curl_jsonrpc_subscriptions.php BASE_URL MERCHANT_CODE SECRET_KEY [CA_BUNDLE]
[$script, $base, $merchant, $secret] = $argv;

function callRPC($Request, $host, $ca)
{
    $curl = curl_init($host);
    curl_setopt($curl, CURLOPT_POST, 1);
    curl_setopt($curl, CURLOPT_HEADER, 0);
    curl_setopt($curl, CURLOPT_RETURNTRANSFER, 1);
    curl_setopt($curl, CURLOPT_SSL_VERIFYPEER, true);
    curl_setopt($curl, CURLOPT_SSL_VERIFYHOST, 2);
    if ($ca !== null) {
        curl_setopt($curl, CURLOPT_CAINFO, $ca);
    }
    curl_setopt($curl, CURLOPT_HTTPHEADER, ['Content-Type: application/json',
                                            'Accept: application/json']);
    curl_setopt($curl, CURLOPT_POSTFIELDS, json_encode($Request));
    $ResponseString = curl_exec($curl);
    if ($ResponseString === false) {
        fwrite(STDERR, 'curl error: ' . curl_error($curl) . "\n");
        exit(3);
    }
    $Response = json_decode($ResponseString);
    if (isset($Response->error)) {
        return $Response;  // the caller reads the error object
    }
    return $Response->result;
}

class Api
{
    public static $host;
    public static $ca;
    private static $sessionID;
    private static $id = 1;

    public static function login($merchant, $secret)
    {
        $date = gmdate('Y-m-d H:i:s');
        $hash = hash_hmac('sha256', strlen($merchant) . $merchant . strlen($date) . $date,
                          $secret);
        self::$sessionID = self::call('login', [$merchant, $date, $hash, 'sha256']);
    }

    private static function call($method, $params)
    {
        $request = ['jsonrpc' => '2.0', 'method' => $method, 'params' => $params,
                    'id' => self::$id++];
        return callRPC((object) $request, self::$host, self::$ca);
    }

    public static function __callStatic($method, $arguments)
    {
        array_unshift($arguments, self::$sessionID);
        return self::call($method, $arguments);
    }
}

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
