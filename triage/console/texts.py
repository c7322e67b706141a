"""The console's words, in Japanese (the default) and English (the switch in the header).

Kept in one table so a reviewer reads every label of a language in one place. Labels
are for tired people on a bad night: short, plain, the same word for the same thing.
"""

from __future__ import annotations

from fastapi import Request

LANGUAGES = ("ja", "en")
COOKIE = "console_lang"

_TEXTS: dict[str, tuple[str, str]] = {
    # (ja, en)
    "console": ("対応コンソール", "Responder console"),
    "queue_urgent": ("緊急キュー", "Urgent queue"),
    "queue_staff": ("職員確認", "Staff queue"),
    "queue_all": ("未完了すべて", "All open"),
    "next": ("次の最優先を担当 (n)", "Take next most urgent (n)"),
    "signed_in_as": ("サインイン中", "Signed in as"),
    "sign_out": ("サインアウト", "Sign out"),
    "handover": ("引き継ぎ表（印刷）", "Shift handover (print)"),
    "priority": ("緊急度", "Priority"),
    "waited": ("待ち時間", "Waiting"),
    "sla": ("SLA", "SLA"),
    "sla_left": ("残り", "left"),
    "sla_breached": ("超過", "breached"),
    "message": ("内容", "Message"),
    "why": ("理由", "Why"),
    "place": ("場所", "Place"),
    "holder": ("担当", "Held by"),
    "nobody": ("未担当", "Nobody"),
    "lease_left": ("担当の有効時間", "Claim lapses in"),
    "channel": ("経路", "Channel"),
    "language": ("言語", "Language"),
    "category": ("分類", "Category"),
    "status": ("状態", "Status"),
    "area": ("地域コード", "Area code"),
    "filter": ("絞り込み", "Filter"),
    "clear_filters": ("解除", "Clear"),
    "empty": ("対応待ちの問い合わせはありません。", "Nothing is waiting."),
    "live_on": ("自動更新中", "Live"),
    "live_off": ("接続が切れました。再接続しています…", "Disconnected. Reconnecting…"),
    "sound": ("新着の緊急を音で知らせる", "Sound for new urgent items"),
    "disputed": ("判定が割れています", "The readings disagree"),
    "dispute_help": (
        "LLM とルール・モデルで、すぐに人の対応が要るかの判定が分かれています。"
        "緊急度は緊急な方のままです。両方を読み比べて、どちらかに決めてください。",
        "The LLM and the rules/model disagree on whether a person is needed now. The"
        " priority stays the more urgent one. Compare both and settle it.",
    ),
    "reading_local": ("ルール・モデルの判定", "Rules and model"),
    "reading_llm": ("LLM の判定", "LLM"),
    "keep_urgent": ("緊急のまま", "Keep as it is"),
    "keep_urgent_help": (
        "緊急度は変えずに、相違を確認済みにします。",
        "The priority stays; the disagreement is marked as checked.",
    ),
    # {priority} is the LLM's priority code (P1..P4).
    "treat_as": ("{priority}として扱う", "Treat as {priority}"),
    "treat_as_help": (
        "LLM の緊急度と分類に直します。職員の対応のまま、自動では返信しません。",
        "Takes the LLM's priority and category. It stays with staff; nothing is sent"
        " automatically.",
    ),
    "reports": ("件の報告", "reports"),
    "claim": ("担当する (c)", "Claim (c)"),
    "release": ("担当を外す", "Release"),
    "reply": ("返信 (r)", "Reply (r)"),
    "send_reply": ("返信を送る", "Send reply"),
    "reply_help": (
        "市民が使った経路（SMS・LINE・Web）で届きます。統合した報告の全員にも届きます。",
        "Goes out on the channel the citizen used, and to every merged report.",
    ),
    "resolve": ("完了にする (e)", "Resolve (e)"),
    "outcome": ("結果", "Outcome"),
    "note": ("メモ", "Note"),
    "add_note": ("メモを残す", "Add note"),
    "reopen": ("再開する", "Reopen"),
    "reclassify": ("緊急度・分類を修正", "Correct priority or category"),
    "reason": ("理由（必須）", "Reason (required)"),
    "save": ("保存", "Save"),
    "merge": ("この問い合わせに統合", "Merge into this one"),
    "split": ("統合を取り消す", "Undo merge"),
    "duplicates": ("重複の可能性", "Likely duplicates"),
    "no_duplicates": ("見つかりません。", "None found."),
    "thread": ("やりとり", "Conversation"),
    "assessment": ("判定", "Assessment"),
    "machine_translation": ("機械翻訳（参考）", "Machine translation (for reference)"),
    "machine_summary": ("機械要約（参考）", "Machine summary (for reference)"),
    "location": ("位置", "Location"),
    "no_location": ("場所は分かっていません。", "Place not known."),
    "shelters": ("近くの開設中の避難所", "Nearest open shelters"),
    "contact": ("連絡先", "Contact"),
    "show_contact": ("表示（記録されます）", "Show (recorded)"),
    "history": ("記録", "History"),
    "replies": ("返信", "Replies"),
    "back": ("キューに戻る", "Back to the queue"),
    "help": ("キーボード操作 (?)", "Keyboard (?)"),
    "shortcut_keys": (
        "? ヘルプ ・ j/k 上下 ・ Enter 開く ・ n 次の最優先 ・ c 担当 ・ r 返信 ・ e 完了"
        " ・ Esc 閉じる",
        "? help · j/k move · Enter open · n next most urgent · c claim · r reply · e resolve"
        " · Esc close",
    ),
    "page": ("ページ", "Page"),
    "of": ("／", "of"),
    "printed_at": ("作成", "Printed"),
    "notes": ("メモ", "Notes"),
    "dead_letters": ("届かなかった返信", "Undelivered replies"),
    "resend": ("再送", "Resend"),
    "incident_of": ("統合先", "Merged into"),
    "machine_drafted": ("機械下書き", "machine-drafted"),
    "machine_drafted_note": (
        "機械が書いた下書きです。内容を確かめ、直してから送ってください。送った返信には「機械下書き」と記録されます。",
        "A machine wrote this draft. Check and edit it before sending; the reply is recorded"
        " as machine-drafted.",
    ),
    "ask_draft": ("下書きを作る（LLM）", "Draft a reply (LLM)"),
    "overview": ("全体状況", "Overview"),
    "layer": ("判定の層", "Layer"),
    "confidence": ("確からしさ", "Confidence"),
    "open_items": ("未完了", "open"),
    "playbooks": ("回答集（プレイブック）", "Playbooks"),
    "search": ("検索", "Search"),
    "title": ("題名", "Title"),
    "version": ("版", "Version"),
    "versions": ("版の一覧", "Versions"),
    "published": ("公開中", "published"),
    "languages": ("言語数", "Languages"),
    "needs_review": ("要確認", "Needs review"),
    "new_playbook": ("新しい回答を作る", "New playbook"),
    "create_draft": ("下書きを作る", "Create draft"),
    "stale_note": (
        "他の言語の回答が変わったため、次の言語は内容が古い可能性があります",
        "Another language changed; these answers may be out of date",
    ),
    "requires_location": ("市民の場所が必要な回答", "The answer needs the citizen's place"),
    "variables_help": (
        "使える差し込み: {municipality} 市町村名、{nearest_shelter_name} 最寄りの開設中の避難所、"
        "{nearest_shelter_distance_km} 距離"
        "（場所を使う回答には「場所が分からないとき」の文も必要）",
        "Variables: {municipality}, {nearest_shelter_name}, {nearest_shelter_distance_km}"
        " (an answer using a place also needs its no-place text)",
    ),
    "answer": ("回答", "Answer"),
    "answer_no_location": ("場所が分からないときの回答", "Answer when the place is not known"),
    "keywords": ("手がかりの語（1行に1つ）", "Keywords (one per line)"),
    "version_note": ("この版のメモ（任意）", "Note for this version (optional)"),
    "preview": ("プレビュー", "Preview"),
    "unsaved": ("未保存の内容", "unsaved"),
    "preview_help": (
        "市民に届く文面です（例の場所・避難所で差し込み、119/110 の案内つき）。",
        "Exactly what a citizen receives (sample place and shelter, with the 119/110 footer).",
    ),
    "segments": ("通", "segments"),
    "without_place": ("場所が分からないとき", "When the place is not known"),
    "save_version": ("新しい版として保存", "Save as a new version"),
    "confirm_translations": ("翻訳を確認する", "Confirm translations"),
    "still_right": ("この内容のままで正しい", "Still right as written"),
    "stale_policy": ("古い可能性のある言語", "Answers that may be out of date"),
    "policy_refuse": ("確認を求める", "Ask first"),
    "policy_send": ("そのまま送る", "Send as written"),
    "policy_fallback": ("やさしい日本語・日本語で送る", "Send easy Japanese / Japanese instead"),
    "publish": ("公開する", "Publish"),
    "rollback": ("この版に戻す", "Roll back to this"),
    "unpublish": ("公開を止める", "Unpublish"),
    "diff": ("差分", "Diff"),
    "no_changes": ("変更はありません。", "No changes."),
    "gaps": ("回答のない質問", "Questions without an answer"),
    "situation": ("状況の値", "Situation values"),
    "situation_help": (
        "回答の中で {situation_名前} と書くと、ここの値が入ります（給水車の場所と時間、停電地域、"
        "相談窓口の番号など）。値が未設定の回答は自動では送らず、職員が答えます。",
        "Answers that say {situation_name} get the value here (water truck times, outage"
        " areas, a hotline). An answer citing an unset value is not sent; a person answers.",
    ),
    "variable": ("名前", "Name"),
    "set_value": ("値を設定・更新", "Set or change a value"),
    "required": ("必須", "required"),
    "gaps_help": (
        "回答集で答えられず職員に回った通常の問い合わせを、似た言い回しでまとめ、多い順に並べています。",
        "Routine inquiries no playbook answered (they went to staff), grouped by wording,"
        " most asked first.",
    ),
    "last_hours": ("直近", "last"),
    "hours": ("時間", "Hours"),
    "times_asked": ("件", "asked"),
    "write_playbook": ("この質問の回答を作る", "Write a playbook for this"),
    "no_gaps": ("回答のない質問はありません。", "Every routine question was answered."),
    "areas": ("対象地域（地方公共団体コード）", "Areas (local government codes)"),
    "areas_help": (
        "6桁の市区町村コードか2桁の都道府県コードを1行に1つ。空欄なら全地域。"
        "地域を決めた回答は、場所が分からない問い合わせには送りません。時刻は日本時間。",
        "6-digit municipality or 2-digit prefecture codes, one per line; empty: everywhere."
        " An answer with areas is never sent when the place is not known. Times in Japan time.",
    ),
    "valid_from": ("送信開始", "Sent from"),
    "valid_until": ("送信終了", "Sent until"),
    "impact": ("影響を確認（過去7日）", "Impact over the last 7 days"),
    "impact_over": ("対象の問い合わせ", "inquiries replayed"),
    "examples": ("例", "Examples"),
    "impact_would_answer": ("この回答で答える", "Would answer"),
    "impact_changes_answer": ("答える回答が変わる", "Would change answer"),
    "impact_stops_answering": ("答えなくなる", "Would stop answering"),
    "impact_urgent_touched": (
        "手がかりの語を含む緊急（職員が対応）",
        "Urgent ones with its words (a person answers)",
    ),
    "impact_urgent_answered": (
        "緊急に自動で答えてしまう（0 であること）",
        "Urgent ones it would answer (must be 0)",
    ),
    "audit": ("操作記録", "Audit log"),
    "people_only": ("職員の操作のみ", "People's actions only"),
    "with_system": ("システムの処理も表示", "Include the system's own"),
    "when": ("日時", "When"),
    "who": ("誰が", "Who"),
    "what": ("何を", "What"),
    "unclaimed_wait": ("未担当の緊急の待ち時間", "Unclaimed urgent: waiting"),
    "median": ("中央値", "median"),
    "worst": ("最長", "worst"),
    "system": ("システム", "System"),
    "surge": ("サージモード", "Surge mode"),
    "on": ("オン", "on"),
    "off": ("オフ", "off"),
    "not_answering": ("が応答しません", "is not answering"),
    "per_hour": ("1時間ごとの受付件数（24時間）", "Inquiries per hour (24 h)"),
    "as_table": ("表で見る", "As a table"),
    "hour": ("時刻", "Hour"),
    "count": ("件数", "Count"),
    "map": ("地図", "Map"),
    "shelter_open": ("避難所（開設）", "shelter open"),
    "shelter_closed": ("避難所（閉鎖）", "shelter closed"),
    "shelter_unknown": ("避難所（報告なし）", "shelter, no report"),
    "map_offline": (
        "背景地図が読めないときも、問い合わせと避難所の位置は表示されます。",
        "Without background tiles (offline) the inquiries and shelters still show.",
    ),
    "suggested": ("使える回答（プレイブック）", "Playbook answers that fit"),
    "answer_with_playbook": ("この回答で返信", "Answer with this playbook"),
    "edit_first": ("編集してから送る", "Edit before sending"),
    "shelter_status": ("避難所の状況", "Shelters"),
    "shelter_search": ("名称・市区町村で検索", "Search by name or municipality"),
    "shelter_search_go": ("検索", "Search"),
    "shelter_name": ("避難所", "Shelter"),
    "shelter_municipality": ("市区町村", "Municipality"),
    "shelter_state_open": ("開設", "Open"),
    "shelter_state_closed": ("閉鎖", "Closed"),
    "shelter_state_full": ("満員", "Full"),
    "shelter_no_report": ("報告なし（指定どおり）", "No report (as designated)"),
    "shelter_capacity": ("収容人数", "Capacity"),
    "shelter_evacuees": ("避難者数", "Evacuees"),
    "shelter_updated": ("最終更新", "Last updated"),
    "shelter_rules": (
        "閉鎖・満員の避難所は、自動回答で案内しません。変更はすべて記録に残ります。",
        "Automatic answers never send anyone to a closed or full shelter."
        " Every change is kept in the history.",
    ),
    "shelter_import_csv": ("CSV を取り込む", "Import a CSV"),
    "shelter_import_help": (
        "1行目: shelter_id,state,capacity,evacuees,note（shelter_id の代わりに name と"
        " municipality も可）。state は open・closed・full（空欄は open）。"
        "ファイルは送れないため、内容を貼り付けてください。照合できない行は行番号を示して飛ばします。",
        "First line: shelter_id,state,capacity,evacuees,note (or name and municipality instead"
        " of shelter_id). state is open, closed or full (blank: open). Files cannot be sent:"
        " paste the contents. Rows that match no shelter are skipped and listed by line.",
    ),
    "shelter_import": ("取り込む", "Import"),
    "shelter_history": ("報告の記録", "Report history"),
    "shelter_back": ("避難所の一覧に戻る", "Back to shelters"),
    "shelter_none": (
        "報告のある避難所はありません。名称か市区町村で検索してください。",
        "No shelter has a report yet. Search by name or municipality.",
    ),
}

OUTCOMES: dict[str, tuple[str, str]] = {
    "helped": ("対応済み（出動・支援）", "Helped (dispatched or met)"),
    "answered": ("回答済み", "Answered"),
    "referred": ("他機関へ引き継ぎ（119・110 など）", "Referred (119, 110, another office)"),
    "no_longer_needed": ("不要になった", "No longer needed"),
    "unreachable": ("連絡がつかない", "Unreachable"),
    "duplicate": ("重複", "Duplicate"),
    "no_action": ("対応不要（雑談・誤報・いたずら）", "No action (chatter, false report)"),
}

PRIORITIES: dict[str, tuple[str, str]] = {
    "P1": ("P1 命に関わる", "P1 life threat"),
    "P2": ("P2 至急", "P2 urgent"),
    "P3": ("P3 通常", "P3 routine"),
    "P4": ("P4 対応不要", "P4 no action"),
}


CATEGORIES: dict[str, tuple[str, str]] = {
    "rescue": ("救助", "rescue"),
    "medical": ("医療", "medical"),
    "fire": ("火災", "fire"),
    "missing_person": ("行方不明", "missing person"),
    "safety_check": ("安否確認", "safety check"),
    "evacuation_shelter": ("避難・避難所", "evacuation, shelters"),
    "water_food_supplies": ("水・食料・物資", "water, food, supplies"),
    "utilities": ("電気・ガス・水道", "utilities"),
    "roads_transport": ("道路・交通", "roads, transport"),
    "damage_report": ("被害の報告", "damage report"),
    "certificates_support": ("証明書・支援制度", "certificates, support"),
    "volunteer_donation": ("ボランティア・寄付", "volunteers, donations"),
    "pets": ("ペット", "pets"),
    "information_other": ("情報・その他の質問", "information, other"),
    "other": ("その他", "other"),
}

STATUSES: dict[str, tuple[str, str]] = {
    "received": ("判定待ち", "received"),
    "triaged": ("未担当", "waiting"),
    "claimed": ("対応中", "claimed"),
    "answered": ("回答済み", "answered"),
    "resolved": ("完了", "resolved"),
    "closed": ("対応不要", "closed"),
}

ENGINES: dict[str, tuple[str, str]] = {
    "rules": ("ルール", "rules"),
    "local_model": ("モデル", "model"),
    "llm": ("LLM", "LLM"),
    "flag": ("注意", "flag"),
}


def console_language(request: Request) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get(COOKIE)
    return chosen if chosen in LANGUAGES else "ja"


def texts_for(language: str) -> dict[str, str]:
    index = LANGUAGES.index(language) if language in LANGUAGES else 0
    return {key: pair[index] for key, pair in _TEXTS.items()}


def labels_for(table: dict[str, tuple[str, str]], language: str) -> dict[str, str]:
    index = LANGUAGES.index(language) if language in LANGUAGES else 0
    return {key: pair[index] for key, pair in table.items()}
