<?php
// The JSON-RPC client of the flow scripts, written as the vendor's PHP samples are (ext/curl,
// callRPC), behind a static class that prepends the sessionID to every call. A JSON-RPC error
// comes back as the error object for the caller to read. Set Api::$host (and Api::$ca for
// https, checked with peer and host name), then Api::login(...).

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
