-- wrk script: POST an inquiry as JSON, the way the web form's JSON API client does.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {
  '{"text": "避難所はどこですか。七尾市に住んでいます"}',
  '{"text": "家が浸水して2階に閉じ込められています。助けてください"}',
  '{"text": "給水車はいつ来ますか", "contact": "+819012345678"}',
  '{"text": "Where is the nearest shelter? I am in Wajima city", "language": "en"}',
}
local i = 0
request = function()
  i = i + 1
  return wrk.format(nil, nil, nil, bodies[(i % #bodies) + 1])
end
