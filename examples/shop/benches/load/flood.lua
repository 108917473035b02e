-- A login flood: POST /token with wrong passwords for ever new usernames, so that no
-- username is throttled and each attempt would reach password hashing.
dofile(os.getenv("LOAD_DIR") .. "/statuses.lua")

local counter = 0

function request()
  counter = counter + 1
  local body = string.format(
    "grant_type=password&username=flood-%d-%d%%40example.com&password=wrong",
    id, counter)
  return wrk.format("POST", "/token",
    { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end
