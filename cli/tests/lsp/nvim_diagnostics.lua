-- Headless Neovim (0.7+) as an LSP client of `stockade server`: opens the file
-- given on the command line, waits for its diagnostics, prints them as JSON
-- lines (`{"code":…,"line":…,"col":…,"severity":…}`, 0-based, UTF-16) and
-- the time from opening to diagnostics, then quits.
-- Usage: STOCKADE_BIN=… nvim --headless --clean -c "luafile nvim_diagnostics.lua" FILE
local bin = os.getenv("STOCKADE_BIN") or "stockade"
local log = os.getenv("STOCKADE_LSP_LOG")
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
local cmd = { bin, "server" }
if log and log ~= "" then
  cmd = { "python3", here .. "tee.py", log, bin, "server" }
end
local buf = vim.api.nvim_get_current_buf()
local file = vim.api.nvim_buf_get_name(buf)
local started = vim.loop.hrtime()
local client = vim.lsp.start_client({
  name = "stockade",
  cmd = cmd,
  root_dir = vim.fn.fnamemodify(file, ":h"),
})
if not client then
  io.stdout:write("ERROR: the server did not start\n")
  vim.cmd("cquit 1")
end
vim.lsp.buf_attach_client(buf, client)
local ok = vim.wait(10000, function()
  return #vim.diagnostic.get(buf) > 0
end, 10)
local elapsed = (vim.loop.hrtime() - started) / 1e6
if not ok then
  io.stdout:write("ERROR: no diagnostics within 10 s\n")
  vim.cmd("cquit 1")
end
for _, d in ipairs(vim.diagnostic.get(buf)) do
  io.stdout:write(vim.fn.json_encode({
    code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code),
    line = d.lnum,
    col = d.col,
    severity = d.severity,
    message = d.message,
  }) .. "\n")
end
io.stdout:write(string.format("# diagnostics %d ms after opening (server start included)\n", elapsed))
vim.lsp.stop_client(client)
vim.wait(500, function() return vim.lsp.get_client_by_id(client) == nil end, 10)
vim.cmd("qa!")
