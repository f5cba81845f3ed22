/// `help` and `\help`: every statement with its syntax and an example.
public enum Help {
    public struct Entry: Sendable { public var topic: String; public var syntax: String; public var example: String }

    public static let entries: [Entry] = [
        Entry(topic: "use", syntax: "use instance <name-or-id>;", example: "use instance ddm-prod;"),
        Entry(topic: "show", syntax: "show instances | instance <i> | engines | flavors | schemas | schema <s> | available rds | users | grants for <u> | job <id> | nodes;", example: "show grants for ddmtest;"),
        Entry(topic: "create instance", syntax: "create instance <name> with flavor=<code-or-id>, nodes=<n>, vpc=<id>, subnet=<id>, security_group=<id>, az=[<az>, …] [, engine=<version-or-id>] [, time_zone=<tz>] [, admin_user=<name>] [wait];", example: "create instance ddm-prod with flavor=ddm.c6.large.2, nodes=2, vpc=vpc-1, subnet=subnet-1, security_group=sg-1, az=[ap-southeast-1a] wait;"),
        Entry(topic: "restart", syntax: "restart instance <i> [hard] [wait];", example: "restart instance ddm-prod wait;"),
        Entry(topic: "drop instance", syntax: "drop instance <i> [if exists] [delete rds data];", example: "drop instance ddm-old if exists;"),
        Entry(topic: "rename", syntax: "rename instance <i> to <new-name>;", example: "rename instance ddm-prod to ddm-main;"),
        Entry(topic: "alter instance", syntax: "alter instance <i> set security group <sg>;", example: "alter instance ddm-prod set security group sg-2;"),
        Entry(topic: "reload", syntax: "reload table data on instance <i>;", example: "reload table data on instance ddm-dr;"),
        Entry(topic: "wait", syntax: "wait job <id>; | wait instance <i>;", example: "wait instance ddm-prod;"),
        Entry(topic: "create schema", syntax: "create schema <s> [if not exists] shards <n> [mode cluster|single] on rds <rds-id-or-name>[, …] [admin user <u> password <secret>];", example: "create schema orders shards 8 on rds rds-orders admin user root password prompt;"),
        Entry(topic: "drop schema", syntax: "drop schema <s> [if exists] [delete rds data];", example: "drop schema orders if exists;"),
        Entry(topic: "create user", syntax: "create user <u> [if not exists] password <secret> [with <privs>] [on <schemas>] [comment '…'];", example: "create user ddmtest password env DDMTEST_PASSWORD with SELECT, INSERT on orders comment 'app';"),
        Entry(topic: "alter user", syntax: "alter user <u> comment '…'; | alter user <u> password <secret>;", example: "alter user ddmtest password prompt;"),
        Entry(topic: "drop user", syntax: "drop user <u> [if exists];", example: "drop user ddmtest if exists;"),
        Entry(topic: "grant", syntax: "grant <privs> on <schemas> to <accounts>;", example: "grant SELECT, INSERT on orders, billing to ddmtest, app;"),
        Entry(topic: "revoke", syntax: "revoke <privs> [on <schemas>] from <accounts>;  (revoke all on <s> from <u> detaches <s>)", example: "revoke INSERT from ddmtest;"),
        Entry(topic: "let", syntax: "let <name> = <value>;  (string, number, list, lines('file'))", example: "let team = (alice, bob, carol);"),
        Entry(topic: "for", syntax: "for <x> in <list> { <statements> }", example: "for u in $team { grant SELECT on orders to $u; }"),
        Entry(topic: "source", syntax: "source '<file.ddm>';", example: "source 'onboarding.ddm';"),
        Entry(topic: "explain", syntax: "explain <statement>", example: "explain grant SELECT on orders to ddmtest;"),
        Entry(topic: "set", syntax: "set on_error stop|continue;", example: "set on_error continue;"),
        Entry(topic: "secrets", syntax: "password prompt | password env NAME | password file 'path' | password '<literal>'", example: "create user app password file '/run/secrets/app';"),
        Entry(topic: "privileges", syntax: "CREATE DROP ALTER INDEX INSERT DELETE UPDATE SELECT, ALL (the eight basic ones), fulltableSelect fulltableDelete fulltableUpdate (each needs its basic one)", example: "grant ALL on orders to admin1;"),
    ]

    public static func text(_ topic: String?) -> String {
        let chosen = topic.map { t in entries.filter { $0.topic.hasPrefix(t.lowercased()) || $0.topic.contains(t.lowercased()) } } ?? entries
        if chosen.isEmpty { return "no help for '\(topic ?? "")'; topics: " + entries.map(\.topic).joined(separator: ", ") }
        return chosen.map { "\($0.topic)\n  \($0.syntax)\n  e.g. \($0.example)" }.joined(separator: "\n\n")
    }
}
