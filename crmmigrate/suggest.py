"""Suggest a mapping from a source's headers to a target object, and write a starter config.

Headers are matched against a table of synonyms per target field (English, Traditional and
Simplified Chinese, and the headers of common CRM exports: Salesforce, HubSpot, Zoho, Odoo,
Excel), plus the field's own name, label and Salesforce/HubSpot API names from the schema.

Matching is deterministic. A header and a synonym are compared *normalised* (NFKC, casefolded,
without spaces, punctuation and underscores: ``E-mail`` == ``email``); an exact hit wins, else a
rapidfuzz score (``ratio`` on the normalised text, ``token_set_ratio`` on the words when both have
two or more) of at least :data:`FUZZY_THRESHOLD` makes a fuzzy candidate. Candidates are assigned
greedily, best first (exact before fuzzy, higher score, earlier header, schema field order), so
each column is used at most once. A composite (``full_name``, ``mailing_address``) is only
suggested when none of its parts matched; an address blocked that way goes to its street part.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from rapidfuzz import fuzz, process

from crmmigrate.errors import UsageError
from crmmigrate.extract.headers import check_header_row
from crmmigrate.extract.readers import expand_paths, read_headers
from crmmigrate.target_schema import (
    EXTERNAL_ID,
    TargetSchema,
    default_schema_path,
    load_target_schema,
)

Confidence = Literal["exact", "fuzzy"]
FUZZY_THRESHOLD = 88.0
CONFIG_NAME = "crmmigrate.yaml"
TODO = "TODO"
# Schema field names too generic to count as a synonym on their own ("Name" is a person's name
# in most files, not an account's).
_GENERIC_FIELD_NAMES = frozenset({"name"})
_GLOB_CHARS = re.compile(r"[*?\[\]]")
_SEPARATORS = re.compile(r"[\W_]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


# --- synonyms ---------------------------------------------------------------------------------
# Tables are "|"-separated so a field's synonyms stay together. Normalisation makes case, spaces,
# punctuation and underscores irrelevant ("E-mail" == "email" == "E_MAIL"), so each spelling is
# listed once; Traditional and Simplified Chinese are both listed (no conversion library).

# Fields that mean the same in every object that has them.
COMMON: dict[str, str] = {
    "email": (
        "Email|Email Address|Mail|Email 1|Primary Email|Work Email|Business Email|"
        "電子郵件|電子郵件地址|电子邮件|电子邮箱|電郵|电邮|郵箱|邮箱|信箱|電子信箱|电子信箱"
    ),
    "phone": (
        "Phone|Tel|Telephone|Phone Number|Phone No|Telephone Number|Tel No|Business Phone|"
        "Office Phone|Work Phone|Landline|Contact Number|電話|电话|市話|市话|聯絡電話|"
        "联系电话|連絡電話|電話號碼|电话号码|辦公電話|办公电话|公司電話|公司电话"
    ),
    "mobile_phone": (
        "Mobile|Mobile Phone|Mobile Number|Mobile No|Cell|Cell Phone|Cellphone|手機|手机|"
        "手機號碼|手机号码|手機號|手机号|行動電話|行动电话|移動電話|移动电话"
    ),
    "fax": "Fax|Fax Number|Fax No|傳真|传真|傳真號碼|传真号码",
    "salutation": "Salutation|Prefix|Honorific|Name Prefix|稱謂|称谓|稱呼|称呼|尊稱|尊称",
    "title": (
        "Title|Job Title|Position|Job|Job Position|Designation|職稱|职称|職位|职位|職務|职务|"
        "頭銜|头衔"
    ),
    "gender": "Gender|Sex|性別|性别",
    "birthdate": (
        "DOB|Birthday|Birth Date|Birthdate|Date of Birth|Born|生日|出生日期|出生年月日|"
        "出生日|生日日期"
    ),
    "website": (
        "Website|Web Site|URL|Web|Homepage|Home Page|Website URL|Company Website|網站|网站|"
        "網址|网址|官網|官网|公司網站|公司网站|首頁|主页"
    ),
    "owner": (
        "Owner|Record Owner|Account Owner|Contact Owner|Lead Owner|Deal Owner|Assigned To|"
        "Sales Rep|Salesperson|Sales Owner|Account Manager|負責業務|负责业务|業務|业务|"
        "業務員|业务员|業務代表|业务代表|銷售代表|销售代表|負責人員|负责人员|專員|专员"
    ),
    "description": (
        "Description|Notes|Note|Remarks|Remark|Comments|Comment|Memo|備註|备注|說明|说明|"
        "描述|附註|附注|註記|备忘"
    ),
    "created_date": (
        "Created|Created Date|Create Date|Created On|Created At|Created Time|Date Created|"
        "Creation Date|Signup Date|Join Date|Joined|Joined Date|Registration Date|Registered|"
        "建立日期|建檔日期|建档日期|創建日期|创建日期|建立時間|创建时间|加入日期|註冊日期|"
        "注册日期|入會日期|入会日期|開戶日期|开户日期|登錄日期|登录日期"
    ),
    "lead_source": (
        "Lead Source|Source|Original Source|Contact Source|來源|来源|客戶來源|客户来源|"
        "名單來源|名单来源|線索來源|线索来源|來源管道|来源渠道"
    ),
    "currency": "Currency|Currency Code|Curr|幣別|币别|幣種|币种|貨幣|货币",
    "status": "Status|狀態|状态",
}

# Roles of composite parts and composites themselves, whatever the object calls the field.
ROLE_SYNONYMS: dict[str, str] = {
    "person_name": (
        "Name|Full Name|Contact Name|Contact|Customer Name|Member Name|Person|Lead Name|"
        "姓名|名字|全名|聯絡人|联系人|連絡人|聯絡人姓名|联系人姓名|客戶姓名|客户姓名|"
        "會員姓名|会员姓名|顧客姓名|顾客姓名|收件人|收件人姓名|收货人"
    ),
    "person_name.first": "First Name|Given Name|Forename|First|名",
    "person_name.last": "Last Name|Surname|Family Name|Last|姓|姓氏",
    "address": (
        "Address|Full Address|Mailing Address|Postal Address|地址|住址|通訊地址|通讯地址|"
        "聯絡地址|联系地址|連絡地址|郵寄地址|邮寄地址"
    ),
    "address.street": (
        "Street|Street Address|Address 1|Address Line 1|Street 1|Street Line 1|街道|"
        "街道地址|地址1|路名"
    ),
    "address.city": (
        "City|Town|Suburb|District|城市|市|鄉鎮市區|乡镇市区|鄉鎮|乡镇|區|区|行政區|行政区"
    ),
    "address.state": (
        "State|Province|Region|County|State/Province|Prefecture|縣市|县市|省|省份|州|縣|县|"
        "直轄市|直辖市"
    ),
    "address.postal_code": (
        "Postal Code|Postcode|Post Code|ZIP|ZIP Code|Zipcode|Postal|郵遞區號|邮递区号|"
        "郵編|邮编|郵政編碼|邮政编码|郵遞區號(3+2)"
    ),
    "address.country": (
        "Country|Country/Region|Country Code|Nation|國家|国家|國別|国别|國家/地區|国家/地区"
    ),
}

# Object-specific synonyms; these win over COMMON and ROLE_SYNONYMS for the same spelling.
OBJECT_FIELDS: dict[str, dict[str, str]] = {
    "accounts": {
        "name": (
            "Company|Company Name|Account Name|Account|Organization|Organisation|"
            "Organization Name|Business Name|Customer Company|公司|公司名稱|公司名称|客戶名稱|"
            "客户名称|企業名稱|企业名称|廠商名稱|厂商名称|單位名稱|单位名称|公司全名|公司抬頭|"
            "公司抬头|抬頭|抬头|名稱|名称|商號|商号"
        ),
        "phone": "Company Phone|Main Phone|總機|总机",
        "email": "Company Email|公司信箱|公司電郵|公司邮箱",
        "tax_id": (
            "VAT|VAT Number|VAT No|VAT ID|Tax ID|Tax Number|Tax No|TIN|UBN|Business ID|"
            "Business Number|Business Registration Number|BRN|Company Registration Number|"
            "統一編號|統編|统编|統一編碼|统一编号|營利事業統一編號|統一社會信用代碼|"
            "统一社会信用代码|信用代碼|信用代码|稅號|税号|納稅人識別號|纳税人识别号"
        ),
        "industry": (
            "Industry|Sector|Industry Type|產業|产业|產業別|产业别|產業類別|产业类别|行業|"
            "行业|行業別|行业类别"
        ),
        "type": (
            "Type|Account Type|Company Type|Customer Type|Relationship|類型|类型|客戶類別|"
            "客户类别|客戶類型|客户类型|往來類別|往来类别"
        ),
        "annual_revenue": (
            "Annual Revenue|Revenue|Yearly Revenue|Turnover|年營收|年营收|營業額|营业额|"
            "年營業額|年营业额|年收入"
        ),
        "number_of_employees": (
            "Employees|Number of Employees|No of Employees|Employee Count|Headcount|Staff|"
            "員工人數|员工人数|員工數|员工数|公司規模|公司规模"
        ),
        "billing_address": (
            "Billing Address|Company Address|Business Address|Office Address|"
            "Registered Address|公司地址|帳單地址|账单地址|營業地址|营业地址|登記地址|"
            "登记地址|發票地址|发票地址"
        ),
    },
    "contacts": {
        "account": (
            "Account ID|Company ID|Company No|Account No|Company Code|Account Code|"
            "Parent Account ID|Organization ID|公司編號|公司编号|所屬公司編號|所属公司编号|"
            "公司代號|公司代号|公司代碼|公司代码|企業編號|企业编号"
        ),
        "mailing_address": (
            "Home Address|Contact Address|Residential Address|戶籍地址|户籍地址|居住地址|"
            "收件地址|寄送地址|送貨地址|送货地址|配送地址"
        ),
    },
    "leads": {
        "company": (
            "Company|Company Name|Organization|Organisation|Employer|Account Name|"
            "Business Name|公司|公司名稱|公司名称|單位|单位|任職公司|任职公司|服務單位|"
            "服务单位|企業名稱|企业名称|機構|机构"
        ),
        "status": "Lead Status|線索狀態|线索状态|名單狀態|名单状态",
        "lifecycle_stage": (
            "Lifecycle Stage|Lifecycle|Lifecycle Status|Stage|生命週期階段|生命周期阶段|"
            "生命週期|生命周期|階段|阶段"
        ),
    },
    "opportunities": {
        "name": (
            "Opportunity Name|Deal Name|Opportunity|Deal|Project Name|Project|商機名稱|"
            "商机名称|商機|商机|案件名稱|案件名称|專案名稱|专案名称|項目名稱|项目名称"
        ),
        "account": (
            "Account ID|Company ID|Account No|Company No|客戶編號|客户编号|公司編號|公司编号"
        ),
        "contact": "Contact ID|Contact No|Primary Contact ID|聯絡人編號|联系人编号",
        "amount": (
            "Amount|Deal Amount|Opportunity Amount|Value|Deal Value|Expected Revenue|金額|"
            "金额|預估金額|预估金额|商機金額|商机金额|成交金額|成交金额"
        ),
        "stage": (
            "Stage|Deal Stage|Sales Stage|Pipeline Stage|Opportunity Stage|階段|阶段|"
            "銷售階段|销售阶段|商機階段|商机阶段"
        ),
        "probability": (
            "Probability|Probability (%)|Win Probability|Deal Probability|Likelihood|機率|"
            "几率|概率|成交機率|成交概率|贏單率|赢单率"
        ),
        "close_date": (
            "Close Date|Closed Date|Expected Close Date|Closing Date|Est Close Date|結案日期|"
            "结案日期|預計成交日|預計成交日期|预计成交日期|成交日期|預計結案日|预计结案日"
        ),
    },
    "orders": {
        "order_number": (
            "Order No|Order Number|Order ID|Order #|Order|Order Ref|Order Reference|"
            "Sales Order|SO Number|訂單編號|订单编号|訂單號碼|订单号码|訂單號|订单号|單號|"
            "单号|訂單|订单|交易編號|交易编号|銷貨單號|销货单号"
        ),
        "order_date": (
            "Order Date|Date|Purchase Date|Transaction Date|Order Time|Ordered At|"
            "Date Ordered|Sale Date|訂購日期|订购日期|下單日期|下单日期|訂單日期|订单日期|日期|"
            "交易日期|購買日期|购买日期|下單時間|下单时间|訂購時間|订购时间"
        ),
        "amount": (
            "Amount|Total|Total Amount|Order Total|Grand Total|Order Amount|Total Price|"
            "Net Total|Amount Paid|金額|金额|總額|总额|總金額|总金额|訂單金額|订单金额|合計|"
            "合计|實付金額|实付金额|應付金額|应付金额|付款金額|付款金额"
        ),
        "status": "Order Status|Fulfillment Status|訂單狀態|订单状态|處理狀態|处理状态",
        "channel": (
            "Channel|Sales Channel|Store|Platform|Marketplace|Source|Shop|通路|渠道|"
            "銷售通路|销售通路|銷售渠道|销售渠道|平台|平臺|銷售平台|销售平台|來源|来源|門市|"
            "门店|店鋪|店铺"
        ),
        "customer": (
            "Customer ID|Customer No|Customer Number|Member ID|Member No|Contact ID|Buyer ID|"
            "Client ID|客戶編號|客户编号|會員編號|会员编号|會員ID|会员ID|會員號碼|会员号码|"
            "顧客編號|顾客编号|買家編號|买家编号|客戶代號|客户代号"
        ),
        "customer_name": (
            "Customer Name|Customer|Buyer|Buyer Name|Bill To|Bill To Name|Billing Name|"
            "Ship To Name|Recipient|Name|客戶名稱|客户名称|客戶姓名|客户姓名|顧客姓名|顾客姓名|"
            "會員姓名|会员姓名|姓名|收件人|收件人姓名|收貨人|收货人|購買人|购买人|訂購人|订购人|"
            "買家|买家"
        ),
        "customer_email": (
            "Customer Email|Buyer Email|Billing Email|Email|Email Address|電子郵件|电子邮件|"
            "電郵|电邮|信箱|郵箱|邮箱|電子信箱|电子信箱|訂購人信箱|订购人邮箱"
        ),
        "customer_phone": (
            "Customer Phone|Buyer Phone|Billing Phone|Phone|Tel|Telephone|Phone Number|Mobile|"
            "Cell|電話|电话|手機|手机|聯絡電話|联系电话|訂購人電話|订购人电话|收件人電話|"
            "收件人手機|收货人电话|收货人手机"
        ),
    },
}

# Columns that hold an object's own record key (preferred) and any record key (fallback).
OBJECT_KEYS: dict[str, str] = {
    "accounts": (
        "Account ID|Account No|Account Number|Company ID|Company No|Company Code|Account Code|"
        "客戶編號|客户编号|客戶代號|客户代号|客戶代碼|客户代码|公司編號|公司编号|廠商編號|厂商编号|"
        "企業編號|企业编号"
    ),
    "contacts": (
        "Contact ID|Contact No|Contact Number|Member ID|Member No|Member Number|"
        "Membership No|Person ID|聯絡人編號|联系人编号|會員編號|会员编号|會員ID|会员ID|"
        "會員號碼|会员号码|會員卡號|会员卡号|顧客編號|顾客编号"
    ),
    "leads": "Lead ID|Lead No|Prospect ID|名單編號|名单编号|線索編號|线索编号|潛客編號|潜客编号",
    "opportunities": ("Opportunity ID|Deal ID|Opportunity No|商機編號|商机编号|案件編號|案件编号"),
    "orders": (
        "Order ID|Order No|Order Number|Order #|Order Ref|Sales Order|訂單編號|订单编号|"
        "訂單號碼|订单号码|訂單號|订单号|單號|单号|交易編號|交易编号"
    ),
}
GENERIC_KEYS = (
    "ID|Record ID|Key|No|External ID|Legacy ID|Object ID|UID|Unique ID|Ref|Reference|"
    "Customer ID|Customer No|Client ID|客戶編號|客户编号|編號|编号|代號|代号|序號|序号|"
    "流水號|流水号"
)


def normalise(header: str) -> str:
    """The form headers are compared in: NFKC, casefolded, no spaces/punctuation/underscores."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", header).casefold())


def _words(header: str) -> str:
    text = _CAMEL.sub(" ", unicodedata.normalize("NFKC", header))
    return " ".join(_SEPARATORS.sub(" ", text.casefold()).split())


# --- the suggestion ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """The likely target object of one source and where its fields come from."""

    object: str | None
    key: str | None
    fields: dict[str, str] = field(default_factory=dict)
    confidence: dict[str, Confidence] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "object": self.object,
            "key": self.key,
            "fields": dict(self.fields),
            "confidence": dict(self.confidence),
            "unmapped": list(self.unmapped),
        }

    @property
    def matched(self) -> int:
        """How many columns the suggestion uses (key and fields)."""
        return len({*self.fields.values(), *([self.key] if self.key is not None else [])})

    def targets(self) -> dict[str, str]:
        """Column -> what it was suggested for: a field name, or ``external_id`` for the key."""
        out = {column: name for name, column in self.fields.items()}
        if self.key is not None:
            out.setdefault(self.key, EXTERNAL_ID)
        return out

    def missing_required(self, schema: TargetSchema) -> list[str]:
        """Required fields of the object with no column, directly or through a composite."""
        if self.object is None:
            return []
        obj = schema.objects[self.object]
        missing = []
        for name, fdef in obj.fields.items():
            via = [c for c, comp in obj.composites.items() if name in comp.parts.values()]
            if fdef.required and name not in self.fields and not any(c in self.fields for c in via):
                missing.append(name)
        return missing


@dataclass(frozen=True)
class _ObjectIndex:
    name: str
    inputs: tuple[str, ...]
    exact: dict[str, str]  # normalised synonym -> input (field or composite)
    fuzzy: dict[str, list[int]]  # input -> positions in the shared synonym list
    keys: frozenset[str]  # object-specific key synonyms, normalised


@dataclass(frozen=True)
class _Index:
    objects: tuple[_ObjectIndex, ...]
    keys: list[str]  # every synonym, normalised
    words: list[str]  # every synonym as words
    generic_keys: frozenset[str]


def _split(table: str) -> list[str]:
    return [s.strip() for s in table.split("|") if s.strip()]


def _synonyms(schema: TargetSchema, oname: str) -> list[tuple[str, list[str]]]:
    """(input, synonyms) in priority order: explicit tables first, then schema names."""
    obj = schema.objects[oname]
    explicit: dict[str, list[str]] = {name: [] for name in obj.inputs}
    for name in obj.inputs:
        explicit[name] += _split(OBJECT_FIELDS.get(oname, {}).get(name, ""))
    for name in obj.inputs:
        explicit[name] += _split(COMMON.get(name, ""))
    for cname, comp in obj.composites.items():
        explicit[cname] += _split(ROLE_SYNONYMS.get(comp.type, ""))
        for role, target in comp.parts.items():
            explicit[target] += _split(ROLE_SYNONYMS.get(f"{comp.type}.{role}", ""))
    derived: dict[str, list[str]] = {name: [] for name in obj.inputs}
    for name, fdef in obj.fields.items():
        names = [name, fdef.label or "", fdef.salesforce or "", fdef.hubspot or ""]
        derived[name] += [
            n.removesuffix("__c") for n in names if n and n.lower() not in _GENERIC_FIELD_NAMES
        ]
    for cname in obj.composites:
        derived[cname].append(cname)
    return [*explicit.items(), *derived.items()]


def _build_index(schema: TargetSchema) -> _Index:
    keys: list[str] = []
    words: list[str] = []
    objects = []
    for oname, obj in schema.objects.items():
        exact: dict[str, str] = {}
        fuzzy: dict[str, list[int]] = {name: [] for name in obj.inputs}
        for name, synonyms in _synonyms(schema, oname):
            for synonym in synonyms:
                key = normalise(synonym)
                if not key or key in exact:  # the first (explicit) claim on a synonym wins
                    continue
                exact[key] = name
                fuzzy[name].append(len(keys))
                keys.append(key)
                words.append(_words(synonym))
        own_keys = frozenset(normalise(s) for s in _split(OBJECT_KEYS.get(oname, "")))
        objects.append(_ObjectIndex(oname, tuple(obj.inputs), exact, fuzzy, own_keys))
    generic = frozenset(normalise(s) for s in _split(GENERIC_KEYS))
    return _Index(tuple(objects), keys, words, generic)


def _fuzzy_scores(headers: Sequence[str], index: _Index) -> np.ndarray:
    """headers × synonyms matrix of fuzzy scores (0 where a comparison does not apply)."""
    if not headers or not index.keys:
        return np.zeros((len(headers), len(index.keys)))
    norm = [normalise(h) for h in headers]
    ratio = process.cdist(norm, index.keys, scorer=fuzz.ratio, dtype=np.float32)
    head_words = [_words(h) for h in headers]
    token = process.cdist(head_words, index.words, scorer=fuzz.token_set_ratio, dtype=np.float32)
    multi_head = np.array([w.count(" ") >= 1 for w in head_words])[:, None]
    multi_syn = np.array([w.count(" ") >= 1 for w in index.words])[None, :]
    token = np.where(multi_head & multi_syn, token, 0)
    # Very short strings match by accident ("fax" ~ "tax"); they need an exact synonym.
    long_enough = (
        np.array([len(n) >= 4 for n in norm])[:, None]
        & np.array([len(k) >= 4 for k in index.keys])[None, :]
    )
    return np.where(long_enough, np.maximum(ratio, token), 0)


# (exact? 0:1, -score, is the key column, header position, input position, input)
_Candidate = tuple[int, float, int, int, int, str]


def _suggest_for(
    obj: _ObjectIndex,
    index: _Index,
    schema: TargetSchema,
    headers: Sequence[str],
    scores: np.ndarray,
) -> tuple[Suggestion, tuple[int, int]]:
    norm = [normalise(h) for h in headers]
    key = next((h for h, n in zip(headers, norm, strict=True) if n in obj.keys), None)
    order = {name: i for i, name in enumerate(obj.inputs)}
    candidates: list[tuple[int, _Candidate]] = []  # (header index, candidate)
    for i, n in enumerate(norm):
        is_key = int(headers[i] == key)
        if n in obj.exact:
            name = obj.exact[n]
            candidates.append((i, (0, -100.0, is_key, i, order[name], name)))
            continue
        if is_key or not n:
            continue  # the key column only takes a field it names exactly
        for name, positions in obj.fuzzy.items():
            best = float(scores[i, positions].max()) if positions else 0.0
            if best >= FUZZY_THRESHOLD:
                candidates.append((i, (1, -best, 0, i, order[name], name)))
    candidates.sort(key=lambda c: c[1])
    composites = schema.objects[obj.name].composites
    assigned: dict[str, tuple[int, Confidence]] = {}
    used: set[int] = set()
    for i, cand in candidates:
        if cand[5] in composites or cand[5] in assigned or i in used:
            continue
        assigned[cand[5]] = (i, "exact" if cand[0] == 0 else "fuzzy")
        used.add(i)
    for cname, comp in composites.items():
        best_cand = next(((i, c) for i, c in candidates if c[5] == cname and i not in used), None)
        if best_cand is None:
            continue
        target = cname
        if any(part in assigned for part in comp.parts.values()):
            street = comp.parts.get("street") if comp.type == "address" else None
            if street is None or street in assigned:
                continue
            target = street  # "Address" next to "City": the street lines
        assigned[target] = (best_cand[0], "exact" if best_cand[1][0] == 0 else "fuzzy")
        used.add(best_cand[0])
    own_key = key is not None
    if key is None:
        key = next(
            (h for i, h in enumerate(headers) if norm[i] in index.generic_keys and i not in used),
            None,
        )
    fields = {n: headers[assigned[n][0]] for n in obj.inputs if n in assigned}
    confidence = {n: assigned[n][1] for n in obj.inputs if n in assigned}
    unmapped = [h for i, h in enumerate(headers) if i not in used and h != key]
    suggestion = Suggestion(obj.name, key, fields, confidence, unmapped)
    return suggestion, (suggestion.matched, int(own_key))


def suggest_mapping(headers: Sequence[str], schema: TargetSchema) -> Suggestion:
    """Suggest the target object, key column and field mapping for one source's headers.

    The object is the one that uses the most headers (as fields or key; ties go to the object
    whose own key synonym, e.g. ``Contact ID``, is present, then to schema order). With no
    match at all the object is ``None`` and every header is unmapped.
    """
    headers = list(headers)
    index = _build_index(schema)
    scores = _fuzzy_scores(headers, index)
    best: tuple[tuple[int, int], Suggestion] | None = None
    for obj in index.objects:
        suggestion, score = _suggest_for(obj, index, schema, headers, scores)
        if best is None or score > best[0]:
            best = (score, suggestion)
    if best is None or (not best[1].fields and not best[0][1]):  # a generic key alone is no hint
        return Suggestion(None, None, {}, {}, list(headers))
    return best[1]


# --- a starter config -------------------------------------------------------------------------


@dataclass(frozen=True)
class SourcePlan:
    """One source to write into a new config: where it is and what its headers suggest."""

    name: str
    path: str  # as written in the config: relative to the config's directory, POSIX slashes
    headers: list[str]
    suggestion: Suggestion
    sheet: str | None = None  # the workbook sheet the headers came from

    def to_dict(self) -> dict[str, Any]:
        data = self.suggestion.to_dict()
        return {
            "name": self.name,
            "path": self.path,
            "sheet": self.sheet,
            "object": data["object"],
            "key": data["key"],
            "fields": data["fields"],
            "confidence": data["confidence"],
            "unmapped": data["unmapped"],
        }


@dataclass(frozen=True)
class InitResult:
    """What ``crmmigrate init`` wrote, and what the user still has to fill in."""

    config: Path
    sources: list[SourcePlan]
    todo: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "config": str(self.config),
            "sources": [plan.to_dict() for plan in self.sources],
            "todo": list(self.todo),
        }


def source_name(pattern: str) -> str:
    """A config source name from a file name: its stem as lowercase [a-z0-9_] ('source' if none)."""
    stem = _GLOB_CHARS.sub("", Path(pattern).name)
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    slug = re.sub(r"[^a-z0-9]+", "_", unicodedata.normalize("NFKC", stem).lower()).strip("_")
    return slug or "source"


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    taken.add(candidate)
    return candidate


def _relative(pattern: str, cwd: Path, config_dir: Path) -> str:
    full = Path(pattern).expanduser()
    full = full if full.is_absolute() else cwd / full
    try:
        return Path(os.path.relpath(os.path.abspath(full), os.path.abspath(config_dir))).as_posix()
    except ValueError:  # another drive on Windows: keep it absolute
        return Path(os.path.abspath(full)).as_posix()


def plan_sources(
    patterns: Sequence[str], config_dir: Path, schema: TargetSchema, *, cwd: Path | None = None
) -> list[SourcePlan]:
    """Read each file's headers and suggest its mapping; a glob becomes one source.

    ``patterns`` are relative to ``cwd`` (default: the working directory); the planned paths are
    relative to ``config_dir``. For a glob the first matching file's headers are read; for a
    workbook, the first sheet's. A missing or unreadable file raises the extract error.
    """
    cwd = Path.cwd() if cwd is None else cwd
    taken: set[str] = set()
    plans = []
    for pattern in patterns:
        files = expand_paths(pattern, cwd)
        label = pattern if len(files) == 1 and not _GLOB_CHARS.search(pattern) else str(files[0])
        sheets = read_headers(files[0], sheet="*", label=label)
        best: tuple[int, str | None, list[str], Suggestion] | None = None
        for sheet, headers in sheets.items():  # the sheet that looks most like CRM data
            # a first row of data would be written into the config as column names
            check_header_row(headers, label=label, sheet=sheet)
            suggestion = suggest_mapping(headers, schema)
            if best is None or suggestion.matched > best[0]:
                best = (suggestion.matched, sheet, headers, suggestion)
        _, sheet, headers, suggestion = best or (0, None, [], suggest_mapping([], schema))
        plans.append(
            SourcePlan(
                name=_unique(source_name(pattern), taken),
                path=_relative(pattern, cwd, config_dir),
                headers=headers,
                suggestion=suggestion,
                sheet=sheet,
            )
        )
    return plans


def todo_notes(plans: Sequence[SourcePlan], schema: TargetSchema, config: Path) -> list[str]:
    """One line per mapping the user must complete before the config can run."""
    notes = []
    for plan in plans:
        sug = plan.suggestion
        if sug.object is None:
            notes.append(
                f"{plan.name}: no header matched a target object; set object: and fields: "
                f"in {config}"
            )
            continue
        for fname in sug.missing_required(schema):
            notes.append(
                f"{plan.name}: no column looks like the required field {sug.object}.{fname}; "
                f"replace {TODO} in fields.{fname} of {config}"
            )
    return notes


def init_project(
    directory: Path,
    patterns: Sequence[str] = (),
    *,
    force: bool = False,
    cwd: Path | None = None,
    schema: TargetSchema | None = None,
) -> InitResult:
    """Write ``directory/crmmigrate.yaml``: suggested from ``patterns``' headers, or a template.

    Refuses to overwrite an existing file unless ``force``; nothing is written when a source
    cannot be read.
    """
    config = directory / CONFIG_NAME
    if config.exists() and not force:
        raise UsageError(f"{config}: already exists; pass --force to overwrite it")
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: is a file, not a directory; give a directory to init")
    schema = schema or load_target_schema(default_schema_path())
    plans = plan_sources(patterns, directory, schema, cwd=cwd)
    text = render_config(plans, schema)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        config.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{config}: cannot write the file ({exc.strerror})") from None
    return InitResult(config, plans, todo_notes(plans, schema, config))


# --- rendering --------------------------------------------------------------------------------

_COMMENT_AT = 40  # column where trailing comments start, when the line is shorter
_UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def yaml_scalar(text: str) -> str:
    """``text`` as a YAML scalar for a block mapping value: plain when safe, else quoted."""
    if _UNSAFE_CHARS.search(text):
        return json_quote(text)
    dumped = yaml.safe_dump({"k": text}, allow_unicode=True, width=1 << 30, sort_keys=False)
    return dumped.removeprefix("k: ").rstrip("\n")


def json_quote(text: str) -> str:
    """A double-quoted YAML scalar with every non-ASCII character escaped (always valid)."""
    return json.dumps(text, ensure_ascii=True)


def _comment(text: str) -> str:
    return " ".join(_UNSAFE_CHARS.sub(" ", text).split())


def _width(text: str) -> int:
    """Terminal columns of ``text`` (CJK characters take two), to align comments."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _line(indent: int, body: str, comment: str | None = None) -> str:
    line = " " * indent + body
    if comment:
        pad = max(_COMMENT_AT - _width(line), 0)
        line = f"{line}{' ' * pad}  # {_comment(comment)}"
    return line


def _wrapped_comment(indent: int, label: str, items: Sequence[str], width: int = 98) -> list[str]:
    lines: list[str] = []
    current = " " * indent + f"# {label}"
    for i, item in enumerate(items):
        piece = _comment(item) + ("," if i < len(items) - 1 else "")
        if len(current) + 1 + len(piece) > width and current.strip() != "#":
            lines.append(current)
            current = " " * indent + "#  "
        current += " " + piece
    lines.append(current)
    return lines


def _header(schema: TargetSchema) -> list[str]:
    return [
        "# crmmigrate project config, written by `crmmigrate init`.",
        "# Check every suggested mapping below (lines marked TODO or 'fuzzy' first), then run",
        "#   crmmigrate clean        (back up, extract, map, standardise, merge)",
        "# `crmmigrate schema` prints the JSON Schema of this file for editors and CI linting.",
        "version: 1",
        "",
        "defaults:",
        _line(2, "country: TW", "region for phones and addresses: TW, HK, CN, US, ..."),
        _line(2, "date_order: YMD", "how to read an ambiguous 03/04/05: YMD, DMY or MDY"),
        "",
        "target:",
        _line(2, "# schema: my_crm.yaml", f"default: the {schema.name} schema of crmmigrate"),
        _line(2, "url: sqlite:///crm.db", "any SQLAlchemy URL; relative to this file"),
        "",
        "runs_dir: runs",
        "",
    ]


def _render_source(plan: SourcePlan, schema: TargetSchema) -> list[str]:
    sug = plan.suggestion
    objects = ", ".join(schema.objects)
    lines = [f"  # {_comment(plan.path)}: {sug.matched} of {len(plan.headers)} columns matched"]
    lines.append(_line(2, f"- name: {plan.name}"))
    lines.append(_line(4, f"path: {yaml_scalar(plan.path)}", "relative to this file"))
    if plan.sheet is not None:
        lines.append(_line(4, f"sheet: {yaml_scalar(plan.sheet)}", "or '*' for every sheet"))
    else:
        lines.append(_line(4, "encoding: auto", "or a codec: utf-8, cp950 (Big5), gb18030 (GBK)"))
    if sug.object is None:
        lines.append(_line(4, f"object: {TODO}", f"TODO: no header matched; one of {objects}"))
        lines.append(_line(4, "fields:", "target field: source column"))
        lines.append(_line(6, f"{TODO}: {TODO}", "TODO: map target fields to columns"))
        lines += _wrapped_comment(4, "columns:", plan.headers) if plan.headers else []
        return lines
    obj = schema.objects[sug.object]
    lines.append(_line(4, f"object: {sug.object}", f"one of {objects}"))
    if sug.key is not None:
        lines.append(_line(4, f"key: {yaml_scalar(sug.key)}", "the source's record key"))
    else:
        lines.append(_line(4, "# key: <column>", "TODO: no key column found; set one if any"))
    lines.append(_line(4, "fields:", "target field: source column"))
    for fname, column in sug.fields.items():
        note = "fuzzy match: check it" if sug.confidence.get(fname) == "fuzzy" else None
        lines.append(_line(6, f"{fname}: {yaml_scalar(column)}", note))
    for fname in sug.missing_required(schema):
        via = [c for c, comp in obj.composites.items() if fname in comp.parts.values()]
        alt = f" (or map {via[0]})" if via else ""
        note = f"TODO: required, and no column matched; set the column{alt}"
        lines.append(_line(6, f"{fname}: {TODO}", note))
    if sug.unmapped:
        lines += _wrapped_comment(4, "not mapped:", sug.unmapped)
    unused = [
        name
        for name in obj.inputs
        if name not in sug.fields and name not in sug.missing_required(schema)
    ]
    if unused:
        lines += _wrapped_comment(4, f"other {sug.object} fields:", unused)
    return lines


def _template(schema: TargetSchema) -> list[str]:
    objects = ", ".join(schema.objects)
    return [
        "  # One entry per source file, or glob of files (exports/orders_*.xlsx). To have the",
        "  # mapping suggested from a file's headers: crmmigrate init --from FILE --force",
        _line(2, "- name: legacy_contacts", "short unique name, used in lineage"),
        _line(4, "path: data/contacts.csv", "relative to this file; globs allowed"),
        _line(4, "encoding: auto", "or a codec: utf-8, cp950 (Big5), gb18030 (GBK)"),
        _line(4, "object: contacts", f"one of {objects}"),
        _line(4, "key: Contact ID", "the source's record key"),
        _line(4, "# sheet: Sheet1", "Excel: a sheet name, or '*' for every sheet"),
        _line(4, "# country: HK", "per-source overrides of defaults"),
        _line(4, "# date_order: DMY"),
        _line(4, "fields:", "target field: source column"),
        _line(6, "full_name: Name", "split into first_name / last_name later"),
        _line(6, "email: E-mail"),
        _line(6, "phone: Tel"),
        _line(6, "mailing_address: Address"),
        _line(6, "lead_source: {value: legacy-crm}", "a constant for every record"),
    ]


def render_config(plans: Sequence[SourcePlan], schema: TargetSchema) -> str:
    """The text of a commented version-1 config for ``plans`` (a template when there are none).

    It loads with :func:`crmmigrate.config.load_config` whenever every planned source has an
    object; required fields without a column are written as ``TODO`` with a comment.
    """
    lines = _header(schema)
    lines.append("sources:")
    if not plans:
        lines += _template(schema)
    for i, plan in enumerate(plans):
        if i:
            lines.append("")
        lines += _render_source(plan, schema)
    lines += [
        "",
        "# Rule files (standardise, dedupe, fill, validate), relative to this file:",
        "# rules: [rules/standardise.yaml, rules/dedupe.yaml]",
        "",
    ]
    return "\n".join(lines)
