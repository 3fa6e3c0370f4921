<?php
// A plugin's "cancel this customer's subscription, later re-enable it" flow the way the
// vendor's SOAP samples are written: a static client class that logs in once and prepends the
// sessionID to every call. Run against the sandbox by tests/test_php_soapclient.py; prints
// what it got as JSON on stdout.
//   php soapclient_subscriptions.php BASE_URL MERCHANT_CODE SECRET_KEY [CA_BUNDLE]
[$script, $base, $merchant, $secret] = $argv;

class Client
{
    private static $client;
    private static $sessionID;

    public static function connect($url, $merchant, $secret, $cafile)
    {
        $options = ['location' => $url, 'cache_wsdl' => WSDL_CACHE_NONE,
                    'features' => SOAP_SINGLE_ELEMENT_ARRAYS, 'exceptions' => true];
        if ($cafile !== null) {
            $options['stream_context'] = stream_context_create(['ssl' => [
                'cafile' => $cafile, 'verify_peer' => true, 'verify_peer_name' => true]]);
        }
        self::$client = new SoapClient($url . '?wsdl', $options);
        $date = gmdate('Y-m-d H:i:s');
        $hash = hash_hmac('sha256', strlen($merchant) . $merchant . strlen($date) . $date,
                          $secret);
        self::$sessionID = self::$client->login($merchant, $date, $hash, 'sha256');
    }

    public static function __callStatic($method, $arguments)
    {
        array_unshift($arguments, self::$sessionID);
        return self::$client->__soapCall($method, $arguments);
    }
}

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
