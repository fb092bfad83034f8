"""What WhatsApp itself writes into an export, in the languages of its apps.

The parser (`toolkit.ingest.whatsapp`) reads these tables; nothing else in them is logic.
The strings are WhatsApp's own UI strings as they appear in exports: iOS writes the
"... omitted" family bare (`image omitted`), Android writes `<Media omitted>` in angle brackets;
both are registered with and without brackets, with and without a final period, and as
written, lower-cased and capitalised, so lookups are exact dictionary hits.

Each table maps a placeholder kind to its strings. `PLACEHOLDERS` gives, for a normalised
placeholder kind, the stored message kind (`media`, `contact`, `deleted`, `call`, `location`,
`view_once`).
"""

from __future__ import annotations

# placeholder kind -> message kind
PLACEHOLDERS: dict[str, str] = {
    "media_omitted": "media", "image_omitted": "media", "video_omitted": "media",
    "audio_omitted": "media", "sticker_omitted": "media", "gif_omitted": "media",
    "document_omitted": "media", "video_note_omitted": "media", "contact_omitted": "contact",
    "view_once_omitted": "view_once", "deleted": "deleted", "deleted_by_you": "deleted",
    "deleted_by_admin": "deleted", "missed_voice_call": "call", "missed_video_call": "call",
    "silenced_call": "call", "live_location": "location",
    # a file that is in the export (`<attached: x>`, `x (file attached)`)
    "attached": "media",
    # structural kinds, not looked up in the tables below
    "poll": "poll", "location": "location",
}

# Languages we can name for each string of the curated tables (they feed the export's locale
# guess); the long multi-language lists below are not tagged.
CURATED: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "media_omitted": ("<Media omitted>",),
        "image_omitted": ("image omitted",), "video_omitted": ("video omitted",),
        "audio_omitted": ("audio omitted",), "sticker_omitted": ("sticker omitted",),
        "gif_omitted": ("GIF omitted",), "document_omitted": ("document omitted",),
        "video_note_omitted": ("<video note omitted>", "<Video message omitted>"),
        "contact_omitted": ("Contact card omitted",),
        "deleted": ("This message was deleted",), "deleted_by_you": ("You deleted this message",),
        "deleted_by_admin": ("This message was deleted by admin", "This message was deleted by an admin",
                             "You deleted this message as admin"),
        "missed_voice_call": ("Missed voice call", "Missed group voice call",
                              "Missed voice call, Tap to call back",
                              "Missed voice call, \u200eTap to call back"),
        "missed_video_call": ("Missed video call", "Missed group video call",
                              "Missed video call, Tap to call back",
                              "Missed video call, \u200eTap to call back"),
        "silenced_call": ("Silenced voice call", "Silenced video call"),
        "view_once_omitted": ("<View once voice message omitted>", "<View once photo omitted>",
                              "<View once video omitted>", "<View once message omitted>"),
        "live_location": ("Live location shared",),
    },
    "es": {
        "media_omitted": ("<Multimedia omitido>", "<Archivo omitido>"),
        "image_omitted": ("imagen omitida",), "video_omitted": ("Video omitido",),
        "audio_omitted": ("audio omitido",), "sticker_omitted": ("sticker omitido",),
        "gif_omitted": ("GIF omitido",), "document_omitted": ("documento omitido",),
        "contact_omitted": ("Tarjeta de contacto omitida",),
        "deleted": ("Se eliminó este mensaje", "Este mensaje fue eliminado"),
        "deleted_by_you": ("Eliminaste este mensaje",),
        "missed_voice_call": ("Llamada de voz perdida", "Llamada perdida"),
        "missed_video_call": ("Videollamada perdida",),
        "view_once_omitted": ("<Se omitió un archivo de visualización única>",),
        "live_location": ("ubicación en tiempo real compartida",),
    },
    "de": {
        "media_omitted": ("<Medien ausgeschlossen>", "<Medien weggelassen>"),
        "image_omitted": ("Bild weggelassen",), "video_omitted": ("Video weggelassen",),
        "audio_omitted": ("Audio weggelassen",), "sticker_omitted": ("Sticker weggelassen",),
        "gif_omitted": ("GIF weggelassen",), "document_omitted": ("Dokument weggelassen",),
        "contact_omitted": ("Kontaktkarte ausgelassen", "Kontaktkarte weggelassen"),
        "deleted": ("Diese Nachricht wurde gelöscht",),
        "deleted_by_you": ("Du hast diese Nachricht gelöscht",),
        "missed_voice_call": ("Verpasster Sprachanruf",),
        "missed_video_call": ("Verpasster Videoanruf",),
        "live_location": ("Live-Standort geteilt", "Live-Standort wird geteilt"),
    },
    "fr": {
        "media_omitted": ("<Médias omis>", "<Fichier omis>"),
        "image_omitted": ("image absente",), "video_omitted": ("vidéo absente",),
        "audio_omitted": ("audio omis",), "sticker_omitted": ("sticker omis",),
        "gif_omitted": ("GIF retiré",), "document_omitted": ("document manquant",),
        "contact_omitted": ("Fiche contact manquante",),
        "deleted": ("Ce message a été supprimé",),
        "deleted_by_you": ("Vous avez supprimé ce message",),
        "missed_voice_call": ("Appel vocal manqué",), "missed_video_call": ("Appel vidéo manqué",),
        "live_location": ("Localisation en direct partagée",),
    },
    "pt": {
        "media_omitted": ("<Mídia oculta>", "<Mídia omitida>", "<Ficheiro não revelado>"),
        "image_omitted": ("imagem ocultada", "imagem não revelada"),
        "video_omitted": ("vídeo omitido", "vídeo não revelado"),
        "audio_omitted": ("áudio ocultado", "ficheiro de áudio não revelado"),
        "sticker_omitted": ("figurinha omitida", "sticker não revelado"),
        "gif_omitted": ("GIF não revelada",), "document_omitted": ("documento não revelado",),
        "contact_omitted": ("Cartão do contato omitido", "Contacto não revelado"),
        "deleted": ("Mensagem apagada", "Essa mensagem foi apagada", "Esta mensagem foi apagada"),
        "deleted_by_you": ("Você apagou esta mensagem", "Apagou esta mensagem"),
        "missed_voice_call": ("Chamada de voz perdida",),
        "missed_video_call": ("Chamada de vídeo perdida", "Videochamada perdida"),
        "live_location": ("localização atual compartilhada",),
    },
    "it": {
        "media_omitted": ("<Media omessi>", "<Media omesso>"),
        "image_omitted": ("immagine omessa",), "video_omitted": ("video omesso",),
        "audio_omitted": ("audio omesso",), "sticker_omitted": ("sticker non incluso",),
        "gif_omitted": ("GIF esclusa",), "document_omitted": ("documento omesso",),
        "contact_omitted": ("Scheda contatto omessa",),
        "deleted": ("Questo messaggio è stato eliminato",),
        "deleted_by_you": ("Hai eliminato questo messaggio",),
        "missed_voice_call": ("Chiamata vocale persa",), "missed_video_call": ("Videochiamata persa",),
        "live_location": ("posizione attuale condivisa",),
    },
    "nl": {
        "media_omitted": ("<Media weggelaten>",),
        "image_omitted": ("afbeelding weggelaten",), "video_omitted": ("video weggelaten",),
        "audio_omitted": ("audio weggelaten",), "sticker_omitted": ("sticker weggelaten",),
        "gif_omitted": ("GIF weggelaten",), "document_omitted": ("document weggelaten",),
        "contact_omitted": ("Visitekaartje weggelaten",),
        "deleted": ("Dit bericht is verwijderd",), "deleted_by_you": ("U hebt dit bericht verwijderd",),
        "missed_voice_call": ("Gemist spraakgesprek",), "missed_video_call": ("Gemist videogesprek",),
        "live_location": ("live locatie gedeeld",),
    },
}

# WhatsApp's strings in the other languages of its apps (iOS Localizable.strings and Android
# strings.xml, as collected by other export readers), not tagged with a language.
_MORE = {
    "media_omitted": (
        "Conținut media omis|Файл пропущен|Без медиафайлов|Walang kalakip na media|忽略多媒體檔|"
        "Mitjans omesos|Média vynechána|Média vynechány|省略多媒体文件|Media tidak disertakan|"
        "メディアは含まれていません|Εξαίρεση πολυμέσων|Bez multivides|Mediefil udeladt|मीडिया वगळले|"
        "Файл қосылған жоқ|મીડિયા અવગણાયું|מדיה הושמטה|Media disingkirkan|मीडिया के बिना|"
        "Fayl o‘tkazib yuborildi|pliki pominięto|Bỏ qua Media|Pa media|Media har utelämnats|"
        "Medij izpuščen|Médiá vynechané|میڈیا چھوڑ دیا گیا|Media imerukwa|Medya atlanmış|"
        "สื่อถูกลบ|Praleistas medijos turinys|Uten vedlegg|Media jätetty pois|Meedia ära jäetud|"
        "Medijski zapis izostavljen|Hiányzó médiafájl|Без файл|মিডিয়া বাদ দেওয়া হয়েছে|"
        "Media weggelaat|Media çıxarılmışdır|미디어 파일을 생략한 대화내용|മീഡിയ ഒഴിവാക്കി|Без фајл|"
        "ಮೀಡಿಯಾ ಕೈಬಿಡಲಾಗಿದೆ|تم استبعاد الوسائط|Медіа пропущено|медији су изостављени|"
        "ਮੀਡੀਆ ਛੱਡਿਆ ਗਿਆ|Медиа отсутствует|המדיה הוסרה|המדיה לא נכללה"),
    "image_omitted": (
        "התמונה הושמטה|изображение отсутствует|imagen omitida|εικόνα παραλείφθηκε|"
        "зображення відсутнє|لم يتم إدراج الصورة|ইমেজ বাদ দেওয়া হয়েছে|圖片已略去|圖像已省略|照片已忽略|"
        "đã bỏ qua hình ảnh|تصویر نکال دی گئی ہے|görüntü dahil edilmedi|ไม่มีรูปภาพ|bild utesluten|"
        "obrázok vynechaný|obraz pominięty|Imagine omisă|bilde ikke inkludert|imej tidak dimasukkan|"
        "इमेज वगळली|이미지 생략됨|画像は含まれていません|kép küldése sikertelen|gambar tidak disertakan|"
        "slika izostavljena|फ़ोटो हटाई गई|છબી પડતી મૂકાઈ|íomhá ligthe ar lár|ei kuvaa|تصویر حذف شد|"
        "billede udeladt|obrázek vynechán|Imatge omesa"),
    "video_omitted": (
        "סרטון הווידאו הושמט|видео отсутствует|βίντεο παραλείφθηκε|відео відсутнє|"
        "لم يتم إدراج الفيديوهات|ভিডিও বাদ দেওয়া হয়েছে|影片已略去|影片已省略|视频已忽略|đã bỏ video|"
        "ویڈیو نظرانداز|video dahil edilmedi|วิดีโอถูกลบ|video utesluten|video vynechané|"
        "wideo pominięte|clip video omis|video utelatt|video tidak dimasukkan|व्हिडीओ वगळला|"
        "비디오 생략됨|ビデオは含まれていません|Videó kihagyva|video tidak disertakan|video izostavljen|"
        "वीडियो छोड़ा गया|વિડિયો પડતી મુકાઈ|físeán ligthe ar lár|videota ei sisällytetä|ویدیو حذف شد|"
        "video udeladt|video vynecháno|vídeo omès"),
    "audio_omitted": (
        "קטע קול הושמט|аудиофайл отсутствует|ήχος παραλείφθηκε|аудіо відсутнє|"
        "لم يتم إدراج المقاطع الصوتية|অডিও বাদ দেওয়া হয়েছে|音訊已略去|音訊已省略|音频已忽略|"
        "bỏ qua tệp âm thanh|آڈیو نظرانداز|ses dahil edilmedi|ไม่มีไฟล์เสียง|ljud utelslutet|"
        "zvuk vynechaný|audio pominięte|fără audio|lyd utelatt|audio tidak dimasukkan|ऑडिओ वगळला|"
        "오디오 생략됨|音声は含まれていません|Hang kihagyása|audio tidak disertakan|zvuk izostavljen|"
        "ऑडियो हटाई गयी|ઓડિયો ફાઇલ શામેલ કરી નથી|comhad fuaime ar lár|äänitiedostoa ei sisällytetä|"
        "صدا حذف شد|lyd udeladt|zvukový soubor vynechán|Àudio omès"),
    "sticker_omitted": (
        "סטיקר הושמט|стикер не добавлен|αυτοκόλλητο παραλήφθηκε|Наклейку не додано|تم حذف الملصقات|"
        "স্টিকার বাদ দেওয়া হয়েছে|貼圖已略去|貼圖已忽略|贴图已省略|đã bỏ sticker|اسٹیکر نظرانداز|"
        "Çıkartma dahil edilmedi|ไม่มีสติกเกอร์|sticker utesluten|nálepka vynechaná|"
        "pominięto naklejkę|klistremerke utelatt|pelekat tidak disertakan|स्टिकर वगळले|스티커 제외됨|"
        "スタンプは含まれていません|matrica kihagyva|stiker tidak disertakan|naljepnica izostavljena|"
        "स्टिकर छोड़ा गया|સ્ટીકર પડતું મુકાયું|fágadh an greamán ar lár|tarraa ei sisällytetty|"
        "استیکر حذف شد|klistermærke udeladt|nálepka vynechána|adhesiu omès"),
    "gif_omitted": (
        "GIF הושמט|GIF отсутствует|Παράληψη GIF|GIF-анімацію пропущено|لم يتم إدراج صورة GIF|"
        "জিআইএফ বাদ দেওয়া হয়েছে|GIF 已略去|GIF 圖片已被省略|GIF 动态图已被忽略|Đã bỏ qua ảnh GIF|"
        "GIF dahil edilmedi|ละเว้น GIF|GIF utesluten|GIF vynechaný|Plik GIF pominięty|GIF omis|"
        "GIF utelatt|GIF tidak dimasukkan|GIF वगळले|GIF 생략됨|GIFは含まれていません|GIF fájl kihagyása|"
        "GIF tidak disertakan|GIF izostavljen|GIF छोड़ा गया|GIF પડતી મૂકાઈ|GIF ligthe ar lár|"
        "GIF-animaatio jätetty pois|GIF حذف شد|GIF udeladt|GIF vynechán|GIF omès"),
    "contact_omitted": (
        "כרטיס איש קשר הושמט|Карточка контакта отсутствует|Η κάρτα επαφής παραλήφθηκε|"
        "Картка контакту відсутня|لم يتم إدراج بطاقة جهة اتصال|পরিচিতির কার্ড বাদ দেওয়া হয়েছে|"
        "聯絡人卡片已略去|聯絡人卡片已省略|联系人卡片已忽略|Bỏ qua thẻ liên lạc|رابطہ کارڈ نظر انداز|"
        "Kişi kartı dahil edilmedi|บัตรรายชื่อที่ละเว้น|Kontaktkort uteslutet|Karta kontaktu vynechaná|"
        "Pominięta wizytówka kontaktu|Carte de vizită contact omisă|Kontaktkort sløyfet|"
        "Kad kenalan tidak dimasukkan|संपर्क कार्ड वगळले|연락처 카드 생략됨|連絡先カードを省略|"
        "Névjegykártya kihagyva|Kartu kontak tidak disertakan|Posjetnica izostavljena|"
        "कॉन्टैक्ट कार्ड छोड़ा गया|સંપર્કનું કાર્ડ પડતું મૂકાયું|Cárta teagmhála ar lár|"
        "Yhteystietokortti jätettiin pois|برگ مخاطب حذف شد|Kontaktkort udeladt|Vizitka vynechána|"
        "Targeta de contacte omesa"),
    "document_omitted": (
        "מסמך הושמט|документ отсутствует|έγγραφο παραλείφθηκε|документ пропущено|"
        "لم يتم إدراج المستند|ডকুমেন্ট বাদ দেওয়া হয়েছে|文件已略去|文件已忽略|文档已省略|"
        "đã bỏ qua tài liệu|دستاویز نظرانداز|belge dahil edilmedi|ละเว้นเอกสาร|dokument uteslutet|"
        "dokument vynechaný|dokument pominięty|document omis|utelatt dokument|dokumen tidak dimasukkan|"
        "डॉक्युमेंट वगळले|문서 생략됨|ドキュメントは含まれていません|dokumentum kihagyva|"
        "dokumen tidak disertakan|dokument izostavljen|डॉक्यूमेंट छोड़ा गया|ડોક્યુમેન્ટ સામેલ કર્યું નહિ|"
        "cáipéis ligthe ar lár|dokumenttia ei sisällytetä|سند حذف شد|dokument udeladt|"
        "dokument vynechán|Document omès"),
    "deleted": (
        "הודעה זו נמחקה|Данное сообщение удалено|Αυτό το μήνυμα διαγράφηκε|Це повідомлення було видалено|"
        "تم حذف هذه الرسالة|এই মেসেজটি বাদ দেওয়া হয়েছে।|此訊息已刪除。|这条消息已被删除。|"
        "Tin nhắn này đã bị xóa|Tin nhắn này đã bị xoá|یہ میسج حذف کر دیا گیا ہے۔|Bu mesaj silindi|"
        "ข้อความนี้ถูกลบแล้ว|Det här meddelandet raderades|Detta meddelande raderades|"
        "Táto správa bola odstránená|Ta wiadomość została usunięta|Acest mesaj a fost șters|"
        "Denne meldingen ble slettet|Mesej ini telah dipadam|हा मेसेज हटवण्यात आला|이 메시지는 삭제되었습니다|"
        "このメッセージは削除されました。|このメッセージは削除されました|Ez az üzenet törlésre került|"
        "Pesan ini dihapus|Pesan ini telah dihapus|Ova je poruka izbrisana|Ova poruka je izbrisana|"
        "यह मैसेज डिलीट कर दिया गया है|આ મેસેજ ડિલીટ કરાયો|Scriosadh an teachtaireacht seo|"
        "Tämä viesti poistettiin|این پیام حذف شده است|این پیام حذف شد|Denne besked er blevet slettet|"
        "Denne besked blev slettet|Tato zpráva byla smazána|Tato zpráva byla odstraněna|"
        "Aquest missatge s'ha suprimit|Aquest missatge està esborrat|Itong mensahe ay binura na|"
        "信息已删除|Šī ziņa tika izdzēsta|Бұл хат жойылды|यह संदेश मिटाया गया|Ushbu xabar o‘chirildi|"
        "To sporočilo je bilo izbrisano|یہ پیغام حذف کیا گیا|Ujumbe huu ulifutwa|"
        "ข้อความนี้ได้ถูกลบ|Ši žinutė buvo ištrinta|See sõnum on kustutatud|Съобщението беше изтрито|"
        "এই বার্তাটি মুছে ফেলা হয়েছে|Hierdie boodskap was uitgevee|Bu ismarıc silindi|"
        "ഈ സന്ദേശം ഇല്ലാതാക്കിയതാണ്|Оваа порака беше избришана|ಈ ಸಂದೇಶವು ಅಳಿಸಲ್ಪಟ್ಟಿದೆ|"
        "Esta mensagem foi apagada pelo remetente|Ова порука је обрисана"),
    "deleted_by_you": (
        "מחקת את ההודעה הזו|מחקת הודעה זו|Вы удалили это сообщение|Вы удалили данное сообщение|"
        "Διαγράψατε αυτό το μήνυμα|Διαγράψατε το μήνυμα|Ви видалили це повідомлення|"
        "لقد حذَفت هذه الرسالة|أنت حذفت هذه الرسالة|আপনি এই মেসেজটি বাদ দিয়েছেন|"
        "您已刪除此訊息|您已删除这条消息|您删除这个信息|Bạn đã xóa tin nhắn này|Bạn đã xoá tin nhắn này|"
        "آپ نے یہ میسج حذف کر دیا ہے|آپ نے اس پیغام کو حذف کیا|Bu mesajı sildiniz|คุณได้ลบข้อความนี้|"
        "คุณลบข้อความนี้|Du har tagit bort meddelandet|Du raderade det här meddelandet|"
        "Du raderade detta meddelande|Túto správu ste odstránili|Usunąłeś(-ęłaś) tę wiadomość|"
        "Usunąłeś(aś) tę wiadomość|Ați șters acest mesaj|Du slettet denne meldingen|"
        "Anda telah memadamkan mesej ini|तुम्ही हा मेसेज हटवला|삭제한 메시지입니다|이 메시지를 삭제했습니다|"
        "このメッセージを削除しました|Ezt az üzenetet törölted|Törölted ezt az üzenetet|"
        "Anda menghapus pesan ini|Anda telah menghapus pesan ini|Izbrisali ste ovu poruku|"
        "आपने यह मैसेज डिलीट किया|आपने यह संदेश मिटाया|તમે આ મેસેજ ડિલીટ કર્યો|"
        "Scrios tú an teachtaireacht seo|Poistit tämän viestin|شما این پیام را حذف کردید|"
        "Du har slettet denne besked|Du slettede denne besked|Tuto zprávu jste smazal/a|"
        "Tuto zprávu jste odstranil/a|Has suprimit aquest missatge|Has esborrat aquest missatge|"
        "Binura mo itong mensahe|Jūs izdzēsāt šo ziņu|Сіз бұл хатты жойдыңыз|"
        "Siz ushbu xabarni o‘chirdingiz|To sporočilo ste izbrisali|Umefuta ujumbe huu|"
        "Jūs ištrynėte šią žinutę|Kustutasid selle sõnumi|Изтрихте това съобщение|"
        "আপনি এই বার্তাটি মুছে ফেলেছেন|Jy het boodskap uitgevee|Siz bu ismarıcı sildiniz|"
        "ഈ സന്ദേശം നിങ്ങൾ ഇല്ലാതാക്കി|Ја избриша оваа порака|ನೀವು ಈ ಸಂದೇಶವನ್ನು ಅಳಿಸಿದ್ದೀರಿ|"
        "Обрисао/ла си ову поруку"),
    "missed_voice_call": (
        "שיחה קולית שלא נענתה|Пропущенный аудиозвонок|Αναπάντητη φωνητική κλήση|"
        "Пропущений аудіодзвінок|مكالمة صوتية فائتة|ভয়েস কল মিস করেছেন|未接語音通話|未接语音通话|"
        "Cuộc gọi nhỡ|مسڈ وائس کال|Cevapsız sesli arama|สายที่ไม่ได้รับ|Missat röstsamtal|"
        "Zmeškaný hovor|Zmeškaný hlasový hovor|Nieodebrane poł. głosowe|Apel vocal ratat|"
        "Apel vocal nepreluat|Tapt taleanrop|Panggilan Suara Terlepas|Panggilan suara terlepas|"
        "मिस्ड व्हॉइस कॉल|부재중 전화|音声通話不在着信|Nem fogadott hanghívás|"
        "Panggilan suara tak terjawab|Propušteni glasovni poziv|वॉइस कॉल मिस हुई|"
        "છૂટી ગયેલો વોઇસ કૉલ|Guthghlao caillte|Vastaamaton äänipuhelu|تماس صوتی پاسخ داده نشده|"
        "Ubesvaret taleopkald|Trucada de veu perduda|Nakaligtaang voice call|Neatbildēts balss zvans|"
        "Zgrešen klic|Praleistas balso skambutis|Vastamata häälkõne|Propušten glasovni poziv|"
        "Gemiste spraakoproep|Пропуснато гласово обаждане|মিসড ভয়েস কল|Buraxılmış zəng"),
    "missed_video_call": (
        "שיחת וידאו שלא נענתה|Пропущенный видеозвонок|Αναπάντητη βιντεοκλήση|Пропущений відеодзвінок|"
        "مكالمة فيديو فائتة|ভিডিও কল মিস করেছেন|未接視像通話|未接视频通话|Cuộc gọi nhỡ video|"
        "مسڈ ویڈیو کال|Cevapsız görüntülü arama|วิดีโอคอลที่ไม่ได้รับ|Missat videosamtal|"
        "Zmeškaný videohovor|Nieodebrane poł. wideo|Apel video ratat|Apel video nepreluat|"
        "Tapt videoanrop|Panggilan video terlepas|मिस्ड व्हिडिओ कॉल|부재중 영상통화|ビデオ通話不在着信|"
        "Nem fogadott videohívás|Panggilan video tak terjawab|Propušteni videopoziv|मिस्ड वीडियो कॉल|"
        "છૂટી ગયેલ વિડિયો કૉલ|Físghlao caillte|Vastaamaton videopuhelu|Ubesvaret videoopkald|"
        "Videotrucada perduda|Trucada de vídeo perduda|Nakaligtaang video call|Neatbildēts video zvans|"
        "Neodgovorjen video klic|Praleistas video skambutis|Vastamata videokõne|Propušten video poziv|"
        "Gemiste video-oproep|Пропуснато видео обаждане|মিস করা ভিডিও কল|Buraxılmış video zəng"),
    "live_location": (
        "locație în timp real distribuită|Геоданные отправлены|ibinahagi ang live na lokasyon|"
        "實時位置已分享|Ubicació en directe compartida|byla sdílena aktuální poloha|共享实时位置|"
        "Lokasi terkini dibagikan|ライブロケーション共有|η τωρινή τοποθεσία κοινοποιήθηκε|"
        "live placering delt|משתף מיקום בשידור חי|lokasi terkini dikongsi|"
        "udostępniona transmisja położenia|vị trí hiện thời được chia sẻ|liveposition delad|"
        "Mevcut konum paylaşıldı|ตำแหน่งปัจจุบันถูกแบ่งปัน|مکان زنده به اشتراک گذاشته شد|"
        "posisjon i sanntid delt|live-sijainti jaettu|hetke asukoht jagatud|"
        "trenutna lokacija podijeljena|tartózkodási hely megosztva|공유한 실시간 위치|"
        "تمت مشاركة الموقع المباشر|геодані надіслано|Локација уживо подељена"),
}

# The word iOS puts before an attached file's name: `<attached: 00000012-PHOTO-….jpg>`
# (Arabic exports write it between single guillemets: `‹المُرفق: …›`).
ATTACHED_WORDS = (
    "attached|المُرفق|المرفق|pièce jointe|прикреплено|پیوستہ|allegato|anexo|adjunto|adjunt|"
    "επισυνάφθηκε|додано|Anhang|angehängt|附件|đính kèm|eklendi|bifogat|príloha|příloha|"
    "załączono|atașare|anexado|bijgevoegd|vedlagt|vedhæftet|dilampir|terlampir|संलग्न केले|"
    "첨부됨|添付ファイル|csatolva|priloženo|अटैच किया गया|જોડાયેલ|ceangailte|liite|پیوست|แนบ|מצורף"
)

# The words Android puts after an attached file's name: `IMG-….jpg (file attached)`.
FILE_ATTACHED_WORDS = (
    "file attached|fișier atașat|файл добавлен|nakalakip na file|附件檔案|file allegato|arxiu adjunt|"
    "soubor byl přiložen|文件附件|file terlampir|添付ファイル有り|συνημμένο αρχείο|pievienots fails|"
    "fil vedhæftet|फाइल संलग्न|қосымша файл|ફાઇલ જોડાયેલ|קובץ מצורף|fail dilampirkan|"
    "arquivo anexado|फाइल अटैच कर दी गई है|fayl biriktirildi|załączony plik|tệp đính kèm|"
    "skedë e ngjitur|bifogad fil|priložena datoteka|súbor pripojený|پیوستہ فائل|"
    "faili limeambatanishwa|dosya ekli|byla prisegta|vedlagt fil|liitetiedosto|fichier joint|"
    "archivo adjuntado|archivo adjunto|fail lisatud|datoteka u privitku|fájl csatolva|"
    "bestand bijgevoegd|прикачен файл|ফাইল সংযুক্ত হয়েছে|lêer aangeheg|Datei angehängt|"
    "fayl əlavə olunub|파일 첨부됨|ഫയൽ ചേർത്തു|прикачен фајл|ಕಡತ ಸೇರಿಸಲಾಯಿತು|الملف مرفق|"
    "ficheiro anexado|файл додано|прикачена датотека|ਅਟੈਚ ਕੀਤੀ ਫਾਇਲ"
)

# The word before a shared location's link (Android lower-case, iOS capitalised).
LOCATION_WORDS = (
    "location|locație|местоположение|lokasyon|位置|posizione|ubicació|poloha|lokasi|位置情報|"
    "τοποθεσία|atrašanās vieta|placering|स्थान|орналасуы|સ્થળ|מיקום|localização|joylashuv|"
    "położenie|vị trí|Vendndodhja|plats|lokacija|مقام|Mahali|konum|ตำแหน่งที่ตั้ง|موقعیت|"
    "buvimo vieta|posisjon|sijainti|localisation|ubicación|asukoht|Helyzet|locatie|অবস্থান|"
    "ligging|Standort|məkan|위치|локација|الموقع|місцезнаходження|ਟਿਕਾਣਾ"
)

# "<This message was edited>", appended to an edited message's text.
EDITED_MARKERS = (
    "<This message was edited>", "<Se editó este mensaje.>", "<Se editó este mensaje>",
    "<Diese Nachricht wurde bearbeitet.>", "<Diese Nachricht wurde bearbeitet>",
    "<Ce message a été modifié>", "<Esta mensagem foi editada>",
    "<Questo messaggio è stato modificato>", "<Dit bericht is bewerkt>",
    "<Это сообщение было изменено>", "<Bu mesaj düzenlendi>", "<Pesan ini telah diedit>",
    "<تم تعديل هذه الرسالة>",
)


def placeholder_strings() -> dict[str, tuple[str, str | None]]:
    """Every registered placeholder as written -> (placeholder kind, language or None)."""
    found: dict[str, tuple[str, str | None]] = {}
    for lang, kinds in CURATED.items():
        for kind, texts in kinds.items():
            for text in texts:
                found.setdefault(text, (kind, lang))
    for kind, joined in _MORE.items():
        for text in joined.split("|"):
            found.setdefault(text, (kind, None))
    return found
