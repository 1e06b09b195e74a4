-- wrk script: POST one signed TalkPlus delivery.
-- WEBHOOK_BODY_FILE: the body file; WEBHOOK_SIGNATURE: its x-talkplus-signature.
local path = assert(os.getenv("WEBHOOK_BODY_FILE"), "set WEBHOOK_BODY_FILE")
local file = assert(io.open(path, "rb"))
local body = file:read("*a")
file:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-talkplus-signature"] = assert(os.getenv("WEBHOOK_SIGNATURE"), "set WEBHOOK_SIGNATURE")
