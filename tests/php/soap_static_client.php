<?php
// The SoapClient of the flow scripts, written as the vendor's SOAP samples are: a static class
// that logs in once and prepends the sessionID to every call. Over https, the CA file is
// checked with peer and host name.

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
