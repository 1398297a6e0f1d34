import Foundation

extension Broker {
    /// A broker whose ACL lets a client subscribe to `allowedPattern` only (a gateway's own topics), so a gateway's
    /// subscription to HQ's downlink is refused (SUBACK 0x87). mosquitto's dynamic-security plugin checks subscriptions when
    /// they are made (an acl_file only filters what is delivered). Its state file is written into `directory`.
    public static func refusingSubscriptions(except allowedPattern: String, in directory: TemporaryDirectory) throws -> Broker {
        let dynsec = directory.file("dynamic-security.json")
        try """
            {"defaultACLAccess": {"publishClientSend": true, "publishClientReceive": true, "subscribe": false, "unsubscribe": true},
             "clients": [], "groups": [{"groupname": "anonymous", "roles": [{"rolename": "gateway"}]}],
             "roles": [{"rolename": "gateway", "acls": [
                 {"acltype": "subscribePattern", "topic": "\(allowedPattern)", "priority": 0, "allow": true}]}],
             "anonymousGroup": "anonymous"}
            """.write(toFile: dynsec, atomically: true, encoding: .utf8)
        // The broker, dropped to its own user when the tests run as root, reads and rewrites the file.
        try FileManager.default.setAttributes([.posixPermissions: 0o666], ofItemAtPath: dynsec)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory.path)
        return try Broker(extraConfig: """
            plugin /usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so
            plugin_opt_config_file \(dynsec)
            """)
    }
}
