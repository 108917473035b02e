-- The backend's share of mixed traffic: customer pages (50%), product creations (35%) and
-- logins with the right password (15%).
dofile(os.getenv("LOAD_DIR") .. "/statuses.lua")

local key = os.getenv("LOAD_API_KEY")
local counter = 0

function request()
  counter = counter + 1
  local roll = math.random()
  if roll < 0.50 then
    return wrk.format("GET", string.format("/customers?page[limit]=10&page[offset]=%d",
      math.random(0, 45)), { ["X-Api-Key"] = key })
  elseif roll < 0.85 then
    local sku = string.format("LOAD-%d-%d", id, counter)
    local body = string.format('{"data":{"type":"products","attributes":{"sku":"%s",'
      .. '"name":"Load %s","price":100,"currency":"EUR","stock":1}}}', sku, sku)
    return wrk.format("POST", "/products",
      { ["X-Api-Key"] = key, ["Content-Type"] = "application/vnd.api+json" }, body)
  else
    return wrk.format("POST", "/token",
      { ["Content-Type"] = "application/x-www-form-urlencoded" },
      "grant_type=password&username=viewer%40example.com&password=change123")
  end
end
