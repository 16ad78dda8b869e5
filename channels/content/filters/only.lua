-- Pandoc filter: per-channel blocks and raw-format hygiene.
--
-- `::: {.only channels="pdf,web"}` blocks are either marked with nonce comments
-- (HTML output, so one conversion serves every channel and Python cuts per channel)
-- or, when metadata `only_channel` is set, kept or dropped for that one channel.
-- Raw blocks for any format but HTML are dropped: content never reaches LaTeX etc.

local channel = nil
local nonce = nil

local function wanted(div)
  local names = div.attributes["channels"] or ""
  for name in string.gmatch(names, "[^,%s]+") do
    if name == channel then return true end
  end
  return false
end

local function read_meta(meta)
  if meta.only_channel then channel = pandoc.utils.stringify(meta.only_channel) end
  if meta.only_nonce then nonce = pandoc.utils.stringify(meta.only_nonce) end
  meta.only_channel = nil
  meta.only_nonce = nil
  return meta
end

local function only_div(div)
  if not div.classes:includes("only") then return nil end
  if channel then
    if wanted(div) then return div.content end
    return {}
  end
  local names = div.attributes["channels"] or ""
  local blocks = {pandoc.RawBlock("html", "<!--only:" .. names .. ":" .. nonce .. "-->")}
  for _, block in ipairs(div.content) do table.insert(blocks, block) end
  table.insert(blocks, pandoc.RawBlock("html", "<!--/only:" .. nonce .. "-->"))
  return blocks
end

local function raw(el)
  if el.format == "html" then return nil end
  return {}
end

-- Plain text shows where a link goes; "click here" alone is useless on paper or in text mail.
-- Only web, mail and phone targets are shown: a javascript: or data: URL must not
-- become a clickable line in someone's mail client.
local function shown_target(target)
  local lower = target:lower()
  for _, scheme in ipairs({"https://", "http://", "mailto:", "tel:"}) do
    if lower:sub(1, #scheme) == scheme then return true end
  end
  return false
end

local function link(el)
  if FORMAT ~= "plain" then return nil end
  if not shown_target(el.target) then return el.content end
  local label = pandoc.utils.stringify(el.content)
  if label == el.target or "mailto:" .. label == el.target then return nil end
  local out = el.content
  table.insert(out, pandoc.Str(" <" .. el.target .. ">"))
  return out
end

return {
  {Meta = read_meta},
  {Div = only_div, RawBlock = raw, RawInline = raw, Link = link},
}
