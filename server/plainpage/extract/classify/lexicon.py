"""Multilingual cue phrases of the boilerplate classes, and the lookup built from them.

Phrases are weak evidence: the detector weighs them with a block's length, its links and
its place in the article, never on their own. Text is compared in one normal form
(``normalise``): lower case, punctuation as spaces, single spaces. Lookups go by word (a
set intersection in C) so a page costs one split of its text, not one search per phrase:
a phrase is only searched for when its first word occurs.

Weights: ``LEAD`` phrases mark a block that *starts* with them ("Read more: …", "Lire
aussi"); ``STRONG`` phrases rarely occur in article prose ("we have a small favor to ask");
``WEAK`` words do ("support", "newsletter") and only add up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import MappingProxyType

from ..strings import normal as normalise  # (lower case, words only, one space between)

# Punctuation that sticks to a word in running text ("more:", "(share", "«lire"): the
# cheap pre-test splits on whitespace only, so it looks for these forms too.
_STUCK_AFTER = (":", ".", ",", "!", "?", ";", ")", "»", "…", "\"", "”", "'")
_STUCK_BEFORE = ("(", "«", "\"", "“", "„", "¿", "¡", "[", "'")
_ELIDED = ("l'", "d'", "s'", "m'", "n'", "qu'", "l’", "d’", "s’", "m’", "n’", "qu’")


_LEAD = {
    "readmore": (
        # en
        "read more", "read also", "also read", "read next", "read this next", "related",
        "related articles", "related stories", "related posts", "related post", "related content",
        "related coverage", "related reading", "related news", "related links", "related topics",
        "more on this", "more on this story", "more from", "more stories", "more news",
        "more articles", "you may also like", "you might also like", "you may be interested in",
        "recommended", "recommended for you", "recommended reading", "most read", "most popular",
        "most viewed", "popular stories", "popular posts", "trending", "trending now", "don t miss",
        "further reading", "latest articles", "latest news", "latest stories", "latest posts",
        "what to read next", "editor s picks", "editors picks", "top stories",
        "in case you missed it", "more like this", "up next", "read the latest", "also on",
        # de
        "lesen sie auch", "lesen sie mehr", "lesen sie hier", "lesen sie dazu", "mehr zum thema",
        "zum weiterlesen", "weiterlesen", "auch interessant", "das könnte sie auch interessieren",
        "das könnte sie interessieren", "mehr dazu", "weitere artikel", "weitere beiträge",
        "ähnliche artikel", "ähnliche beiträge", "verwandte artikel", "meistgelesen",
        "meistgelesene artikel", "passend zum thema", "lies auch", "lies mehr", "siehe auch",
        "mehr zu", "auch lesenswert", "beliebte artikel", "neueste artikel", "empfehlungen",
        "unsere empfehlung", "das könnte dich auch interessieren", "mehr aus",
        # fr
        "lire aussi", "à lire aussi", "a lire aussi", "lire la suite", "à lire", "voir aussi",
        "sur le même sujet", "sur le meme sujet", "articles similaires", "articles liés",
        "dans la même rubrique", "les plus lus", "à découvrir", "lire également",
        "à voir aussi", "vous aimerez aussi", "vous aimerez peut être aussi",
        "articles recommandés", "pour aller plus loin", "à voir", "en lien",
        # es
        "lee también", "lea también", "leer más", "lee más", "puedes ver", "mira",
        "te puede interesar", "también te puede interesar", "le puede interesar",
        "noticias relacionadas", "artículos relacionados", "relacionado", "relacionados",
        "lo más leído", "más leídas", "más leídos", "más sobre", "ver también", "te recomendamos",
        "sigue leyendo", "más noticias", "lo último", "también lee", "le recomendamos",
        # pl
        "czytaj też", "czytaj także", "czytaj więcej", "czytaj również", "zobacz też",
        "zobacz także", "zobacz również", "przeczytaj też", "przeczytaj także",
        "przeczytaj również", "polecamy", "podobne artykuły", "powiązane artykuły",
        "najczęściej czytane", "najpopularniejsze", "warto przeczytać", "czytaj dalej",
        "więcej na ten temat", "dowiedz się więcej",
        # ru
        "читайте также", "читайте еще", "читайте ещё", "читать также", "по теме",
        "смотрите также", "похожие статьи", "популярное", "самое читаемое", "рекомендуем",
        "ещё по теме", "еще по теме", "другие материалы", "материалы по теме",
        # it
        "leggi anche", "leggi pure", "leggi di più", "potrebbe interessarti",
        "ti potrebbe interessare", "articoli correlati", "correlati", "più letti", "i più letti",
        "vedi anche", "guarda anche", "approfondisci", "leggi anche su",
        "potrebbe interessarti anche",
        # pt
        "leia também", "leia tambem", "leia mais", "veja também", "veja mais", "saiba mais",
        "mais lidas", "mais lidos", "notícias relacionadas", "artigos relacionados",
        "você pode gostar", "continue lendo", "relacionadas",
        # nl
        "lees ook", "lees meer", "meer over", "gerelateerde artikelen", "meest gelezen",
    ),
    "share": (
        "share", "share this", "share this article", "share this story", "share this post",
        "share on", "share via", "share article", "share the article", "follow us",
        "follow us on", "like us on", "teilen", "teilen sie", "artikel teilen", "teilen mit",
        "teile dies", "folgen sie uns", "folge uns", "partager", "partagez", "partager cet article",
        "suivez nous", "compartir", "compartilhe", "comparte", "compartilhar", "síguenos",
        "udostępnij", "obserwuj nas", "поделиться", "condividi", "seguici", "deel", "delen",
    ),
    "ad": (
        "advertisement", "advertising", "sponsored", "sponsored content", "paid content",
        "paid post", "promoted", "partner content", "anzeige", "werbung", "publicité",
        "publicidad", "publicidade", "pubblicità", "reklama", "реклама", "advertentie",
        "continue reading the main story", "story continues below advertisement",
        "article continues below advertisement", "article continues below",
        "story continues below", "scroll to continue with content", "ad feedback",
    ),
    "comments": (
        "leave a reply", "leave a comment", "post a comment", "add a comment", "write a comment",
        "comments are closed", "comment policy", "join the conversation", "join the discussion",
        "show comments", "view comments", "comments", "be the first to comment", "no comments",
        "kommentare", "kommentar schreiben", "kommentieren", "commentaires",
        "laisser un commentaire", "comentarios", "deja un comentario", "deja tu comentario",
        "komentarze", "dodaj komentarz", "комментарии", "commenti", "lascia un commento",
        "comentários", "deixe um comentário", "reacties",
    ),
}

_STRONG = {
    "appeal": (
        "support us", "support our journalism", "support independent journalism",
        "support our work", "support quality journalism", "support our mission",
        "make a donation", "donate now", "donate today", "please donate", "small favor to ask",
        "small favour to ask", "become a member", "become a supporter", "become a patron",
        "make a contribution", "contribute now", "contribute today", "any amount",
        "reader supported", "reader funded", "readers like you", "your support",
        "buy me a coffee", "tip jar", "keep it free", "can you help", "every contribution",
        "independent journalism", "a word to our loyal readers",
        "unterstützen sie uns", "unterstütze uns", "jetzt spenden", "spenden sie",
        "mit einer spende", "ihre spende", "jetzt unterstützen", "werden sie mitglied",
        "werde mitglied", "unabhängigen journalismus", "bitte helfen sie", "spendenkonto",
        "freiwillig bezahlen", "faire un don", "faites un don", "soutenez nous", "nous soutenir",
        "je fais un don", "devenez membre", "journalisme indépendant", "votre soutien",
        "merci de votre aide", "haz una donación", "hazte socio", "hazte miembro", "apóyanos",
        "dona ahora", "tu apoyo", "periodismo independiente", "wesprzyj nas", "przekaż darowiznę",
        "zostań patronem", "wspieraj nas", "niezależne dziennikarstwo", "поддержите нас",
        "помогите нам", "независимую журналистику", "fai una donazione", "sostienici",
        "dona ora", "il tuo sostegno", "giornalismo indipendente", "faça uma doação", "doe agora",
        "seja membro", "jornalismo independente", "apoie o", "steun ons",
    ),
    "subscribe": (
        "subscribe now", "subscribe today", "subscribe to continue", "subscribers only",
        "for subscribers", "already a subscriber", "already subscribed", "subscription required",
        "for the full story", "to continue reading", "unlimited access",
        "unlimited digital access", "free articles", "articles remaining", "article limit",
        "log in to read", "sign in to read", "sign in to continue", "register to continue",
        "premium content", "exclusive to subscribers", "members only", "cancel anytime",
        "digital subscription", "subscribe for", "get full access", "read the full article",
        "jetzt abonnieren", "abo abschließen", "abonnieren sie", "für abonnenten",
        "exklusiv für abonnenten", "bereits abonnent", "kostenlos testen", "plus artikel",
        "abonnez vous", "réservé aux abonnés", "déjà abonné", "articles gratuits",
        "article gratuit", "premier mois", "je m abonne", "offre d abonnement", "suscríbete",
        "suscribete", "exclusivo para suscriptores", "hazte suscriptor", "ya eres suscriptor",
        "wykup dostęp", "wykup subskrypcję", "dostęp premium", "ten tekst przeczytasz",
        "оформите подписку", "для подписчиков", "abbonati", "riservato agli abbonati",
        "sei già abbonato", "articoli gratuiti", "exclusivo para assinantes", "já é assinante",
        "assine", "of 10 articles", "articles read",
    ),
    "newsletter": (
        "newsletter", "newsletters", "signup", "subscribe to our", "in your inbox",
        "to your inbox", "straight to your inbox", "enter your email", "never miss",
        "delivered to your", "daily digest", "weekly digest", "newsletter abonnieren",
        "e mail adresse", "inscrivez vous",
        "recevoir la newsletter", "votre adresse e mail", "suscríbete a nuestro", "boletín",
        "zapisz się", "adres e mail", "рассылку", "iscriviti", "cadastre se", "inscreva se",
        "receba", "get the latest",
    ),
    "share": (
        "share this", "share on", "share via", "follow us", "like us on", "teilen sie",
        "folgen sie uns", "partagez", "suivez nous", "síguenos", "udostępnij", "obserwuj nas",
        "поделиться", "seguici", "compartilhe",
    ),
    "comments": (
        "leave a reply", "leave a comment", "post a comment", "add a comment",
        "comments are closed", "you must be logged in", "log in to comment", "log in to post",
        "logged in to post", "join the conversation", "join the discussion",
        "comments are for subscribers", "kommentar schreiben", "laisser un commentaire",
        "deja un comentario", "dodaj komentarz", "lascia un commento", "deixe um comentário",
    ),
    "ad": (
        "affiliate links", "affiliate link", "we may earn", "we earn a commission",
        "affiliate programme", "affiliate program",
    ),
    "other": (
        "we use cookies", "cookie policy", "accept cookies", "accept all", "cookie settings",
        "privacy policy", "wir verwenden cookies", "datenschutzerklärung",
        "nous utilisons des cookies",
        "utilizamos cookies", "używamy plików cookie", "privatsphäre",
    ),
}

_WEAK = {
    "appeal": (
        "donate", "donation", "donations", "donating", "donor", "donors", "contribute",
        "contribution", "contributions", "support", "supporter", "supporters", "supporting",
        "spende", "spenden", "spendet", "unterstützen", "unterstützt", "unterstützung", "don",
        "dons", "soutien", "soutenir", "soutenez", "donnez", "donación", "donaciones", "donar",
        "apoya", "apoyo", "darowizna", "darowizny", "darowiznę", "wsparcie", "wesprzyj",
        "пожертвование", "поддержка", "поддержите", "donazione", "donazioni", "sostegno",
        "sostieni", "doação", "doações", "apoio", "apoie", "membership", "member", "patron",
        "journalism", "journalismus", "journalisme", "periodismo", "dziennikarstwo",
        "журналистику", "giornalismo", "jornalismo", "paypal", "patreon", "steady", "iban",
        "überweisung", "kreditkarte", "liberapay", "flattr", "independent", "thank",
        "funded", "fund", "help",
    ),
    "subscribe": (
        "subscribe", "subscriber", "subscribers", "subscription", "subscriptions", "abonnement",
        "abonnieren", "abonnent", "abonnenten", "abo", "abonné", "abonnés", "abonner",
        "suscriptor", "suscriptores", "suscripción", "premium", "paywall", "login", "register",
        "unlimited", "trial", "prenumerata", "prenumeraty", "subskrypcja", "subskrypcji",
        "подписка", "подписку", "abbonamento", "assinatura", "assinante", "zaloguj",
    ),
    "newsletter": (
        "email", "mail", "inbox", "updates", "weekly", "daily", "subscribe", "anmelden",
        "email address", "e mail address", "your email", "sign up", "by email", "via email",
        "stay informed", "stay up to date", "keep up to date",
        "abonnieren", "newsletter",
    ),
    "share": (
        "facebook", "twitter", "whatsapp", "linkedin", "pinterest", "telegram", "reddit",
        "instagram", "youtube", "tiktok", "xing", "vk", "email", "print", "tweet", "mastodon",
        "threads", "bluesky", "flipboard", "messenger",
    ),
    "comments": ("comment", "comments", "reply", "kommentar", "commentaire", "comentario"),
    "ad": ("advertisement", "anzeige", "werbung", "sponsored", "affiliate"),
    "other": ("cookie", "cookies", "consent"),
}

#: Where a link leads, by class: hosts (substring of the host name), first path segments
#: (the segment starts with the cue) and share intents (``host/segment`` prefixes).
HREF_HOSTS = MappingProxyType({
    "appeal": ("paypal.", "patreon.", "steadyhq.", "ko-fi.", "buymeacoffee.", "liberapay.",
               "donorbox.", "givebutter.", "flattr."),
    "newsletter": ("mailchimp.", "list-manage.", "eepurl.", "mailerlite.",
                   "sendinblue.", "beehiiv."),
})
HREF_SEGMENTS = MappingProxyType({
    "appeal": ("donat", "spende", "contribut", "support-us", "supportus", "unterstuetz",
               "membership", "become-a-member", "wesprzyj", "soutenir", "faire-un-don", "dona"),
    "subscribe": ("subscri", "abo-", "abonn", "suscri", "assin", "prenumer", "paywall",
                  "checkout", "offers", "plans", "premium"),
    "newsletter": ("newsletter", "signup", "sign-up"),
})
SHARE_INTENTS = (
    "facebook.com/sharer", "www.facebook.com/sharer", "twitter.com/intent", "twitter.com/share",
    "x.com/intent", "x.com/share", "www.linkedin.com/share", "linkedin.com/share",
    "www.linkedin.com/cws", "pinterest.com/pin", "www.pinterest.com/pin", "wa.me/",
    "api.whatsapp.com/send", "whatsapp:", "t.me/share", "telegram.me/share",
    "www.reddit.com/submit", "reddit.com/submit", "mailto:?", "vk.com/share",
    "www.xing.com/spi", "bsky.app/intent", "share.flipboard.com",
)


class Lexicon:
    """The phrase tables as word-indexed lookups (built once, read-only)."""

    __slots__ = ("lead", "words", "phrases", "cue_words", "raw_cues", "raw_firm", "lead_starts")

    def __init__(self) -> None:
        self.lead = _by_key(
            ((normalise(p), kind, 0) for kind, group in _LEAD.items() for p in group),
            _first_word)
        weighted = [(normalise(p), kind, 2) for kind, group in _STRONG.items() for p in group]
        weighted += [(normalise(p), kind, 1) for kind, group in _WEAK.items() for p in group]
        weighted += [(p, kind, 1) for p, kind, _ in _flat(self.lead) if " " in p]
        singles: dict[str, list[tuple[str, int]]] = {}
        multi: list[tuple[str, str, int]] = []
        # One weight per word and kind, the first listed (strong before weak), as ``_by_key``
        # keeps one per phrase and kind: the detector adds each cue once without keeping
        # track of what it added.
        for phrase, kind, weight in weighted:
            if " " in phrase:
                multi.append((phrase, kind, weight))
            elif all(kind != known for known, _ in singles.setdefault(phrase, [])):
                singles[phrase].append((kind, weight))
        self.words = MappingProxyType({w: tuple(v) for w, v in singles.items()})
        # Phrases are found by their longest word ("for the full story" by "story"): a
        # rare word lets the pre-test skip most paragraphs, "for" would let all through.
        self.phrases = _by_key(multi, lambda phrase: max(phrase.split(" "), key=len))
        self.cue_words = frozenset(self.words) | frozenset(self.phrases)
        firm = frozenset(word for word, group in self.phrases.items()
                         if any(weight > 1 for _, _, weight in group))
        # The same sets in the forms a whitespace split of raw text yields, for a
        # pre-test that needs no normalising: "more:", "(share", "l'abonnement".
        self.raw_cues = _raw_forms(self.cue_words | frozenset(self.lead))
        self.raw_firm = _raw_forms(firm)
        # How a lead can start a block: a one-word lead, or the first two words of a longer
        # one ("in case", not just "in", which opens half the paragraphs of English prose).
        leads = [phrase for group in self.lead.values() for phrase, _, _ in group]
        self.lead_starts = frozenset(" ".join(phrase.split(" ")[:2]) for phrase in leads)


def _raw_forms(words: frozenset[str]) -> frozenset[str]:
    # a list per suffix over all the prefixed words builds these 100,000-odd strings in
    # half the time of nested loops per word (the lexicon is built at import)
    cores = [before + word for before in ("", *_STUCK_BEFORE, *_ELIDED) for word in words]
    forms = set(cores)
    for after in _STUCK_AFTER:
        forms.update([core + after for core in cores])
    forms.update(("e-mail", "e-mail:", "sign-up", "don't", "don’t"))
    return frozenset(forms)


def _by_key(entries: Iterable[tuple[str, str, int]],
            key: Callable[[str], str]) -> MappingProxyType[str, tuple]:
    strongest: dict[tuple[str, str], int] = {}
    for phrase, kind, weight in entries:  # a phrase listed twice keeps its higher weight
        strongest[phrase, kind] = max(weight, strongest.get((phrase, kind), weight))
    table: dict[str, list[tuple[str, str, int]]] = {}
    for (phrase, kind), weight in strongest.items():
        table.setdefault(key(phrase), []).append((phrase, kind, weight))
    # Longest first, so a lead match reports "related articles" rather than "related"; the
    # order is fixed (no set order), so a verdict never depends on the hash seed.
    return MappingProxyType({
        word: tuple(sorted(group, key=lambda e: (-len(e[0]), e[0], e[1])))
        for word, group in table.items()
    })


def _first_word(phrase: str) -> str:
    return phrase.split(" ", 1)[0]


def _flat(table: MappingProxyType[str, tuple]) -> list[tuple[str, str, int]]:
    return [entry for group in table.values() for entry in group]


LEXICON = Lexicon()
