-- The storefront's share of mixed traffic: product pages, filtered and sorted.
dofile(os.getenv("LOAD_DIR") .. "/statuses.lua")

function request()
  return wrk.format("GET", string.format(
    "/products?page[offset]=%d&sort=-price&filter[price][gte]=%d",
    math.random(0, 40), math.random(0, 2000)))
end
