/// An error answer, in DDM's shape (`errCode`/`externalMessage`) or the API
/// gateway's (`error_code`/`error_msg`/`request_id`).
struct LocalError: Error, Sendable {
    enum Shape: Sendable { case ddm, gateway, iam }

    var status: Int
    var code: String
    var message: String
    var shape: Shape = .ddm
    var headers: [(String, String)] = []

    /// The body in this error's shape.
    func body(requestId: String) -> [UInt8] {
        switch shape {
        case .ddm:
            return WireJSON.encode(["errCode": code, "externalMessage": message])
        case .gateway:
            return WireJSON.encode(["error_code": code, "error_msg": message, "request_id": requestId])
        case .iam:
            struct IAM: Encodable { struct E: Encodable { var code: Int; var message: String; var title: String }; var error: E }
            return WireJSON.encode(IAM(error: .init(code: status, message: message, title: status == 401 ? "Unauthorized" : "Bad Request")))
        }
    }

    static func parameter(_ detail: String) -> LocalError {
        LocalError(status: 400, code: "DBS.280001", message: "Parameter error: \(detail)")
    }
    static func busy(_ detail: String = "Another operation is being performed on the instance.") -> LocalError {
        LocalError(status: 409, code: "DBS.200019", message: detail)
    }
    static func instanceNotFound(_ id: String) -> LocalError {
        LocalError(status: 404, code: "DBS.280001", message: "The DDM instance \(id) does not exist.")
    }
    static func unauthorized(_ detail: String) -> LocalError {
        LocalError(status: 401, code: "APIGW.0301", message: "Incorrect IAM authentication information: \(detail)", shape: .gateway)
    }
}
