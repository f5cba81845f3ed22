/// Account wire types, from ddm-api.md §7 and §8.6.
struct OptionalNameWire: Decodable { var name: String? }

struct CreateUsersWire: Decodable {
    struct Detail: Decodable {
        var name: String
        var password: String
        var base_authority: [String]
        var extend_authority: [String]?
        var description: String?
        var databases: [OptionalNameWire]?
    }
    var users: [Detail]
}

struct ModifyUserWire: Decodable {
    struct Detail: Decodable {
        var base_authority: [String]?
        var extend_authority: [String]?
        var description: String?
        var databases: [OptionalNameWire]?
    }
    var user: Detail
}

struct AccountSchemaWire: Encodable { var name: String; var description: String }

struct AccountWire: Encodable {
    var name: String
    var status: String
    var base_authority: [String]
    var extend_authority: [String]
    var description: String
    var created: Int64
    var password_last_changed: Int64
    var databases: [AccountSchemaWire]
}

struct AccountListWire: Encodable {
    var users: [AccountWire]
    var page_no: Int
    var page_size: Int
    var total_record: Int
    var total_page: Int
}

struct UsersReplyWire: Encodable { var users: [NameWire] }
struct PasswordWire: Decodable { var password: String }
struct PasswordReplyWire: Encodable { var success: Bool; var instance_id: String; var user_name: String }
