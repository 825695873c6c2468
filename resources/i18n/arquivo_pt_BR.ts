<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="pt_BR">
<context>
    <name>ChatView</name>
    <message>
        <location filename="../../desktop/ui/views/chat.py" line="71" />
        <source>Ask a question about your documents (Enter sends, Shift+Enter for a new line)</source>
        <translation>Pergunte algo sobre seus documentos (Enter envia, Shift+Enter quebra a linha)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/chat.py" line="74" />
        <source>Send</source>
        <translation>Enviar</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/chat.py" line="75" />
        <source>Stop</source>
        <translation>Parar</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/chat.py" line="76" />
        <source>Copy</source>
        <translation>Copiar</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/chat.py" line="77" />
        <source>Regenerate</source>
        <translation>Gerar de novo</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/chat.py" line="125" />
        <source>no collection</source>
        <translation>nenhuma coleção</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/chat.py" line="126" />
        <source>Searching: {names}</source>
        <translation>Buscando em: {names}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/chat.py" line="182" />
        <source>You</source>
        <translation>Você</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/chat.py" line="182" />
        <source>Arquivo</source>
        <translation>Arquivo</translation>
    </message>
</context>
<context>
    <name>ChatsView</name>
    <message>
        <location filename="../../desktop/ui/views/chats.py" line="34" />
        <source>Search chats</source>
        <translation>Buscar conversas</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/chats.py" line="43" />
        <source>New chat</source>
        <translation>Nova conversa</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/chats.py" line="46" />
        <source>&lt;b&gt;Chats&lt;/b&gt;</source>
        <translation>&lt;b&gt;Conversas&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/chats.py" line="75" />
        <source>Rename…</source>
        <translation>Renomear…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/chats.py" line="76" />
        <source>Export as Markdown…</source>
        <translation>Exportar como Markdown…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/chats.py" line="77" />
        <source>Delete</source>
        <translation>Excluir</translation>
    </message>
</context>
<context>
    <name>CollectionsView</name>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="56" />
        <source>New collection</source>
        <translation>Nova coleção</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="57" />
        <source>Add folder…</source>
        <translation>Adicionar pasta…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="58" />
        <source>Remove folder</source>
        <translation>Remover pasta</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="59" />
        <source>Re-index</source>
        <translation>Reindexar</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="69" />
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="72" />
        <source>Skipped files</source>
        <translation>Arquivos ignorados</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="90" />
        <source>&lt;b&gt;Collections&lt;/b&gt;</source>
        <translation>&lt;b&gt;Coleções&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="107" />
        <source>{name} — {files} files, {chunks} chunks</source>
        <translation>{name} — {files} arquivos, {chunks} trechos</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="135" />
        <source>Indexing {name}…</source>
        <translation>Indexando {name}…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="148" />
        <source>, {time} left</source>
        <translation>, faltam {time}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="153" />
        <source>Indexing {name}: {done}/{total} files, {chunks} chunks, {rate:.1f} chunks/s{eta}</source>
        <translation>Indexando {name}: {done}/{total} arquivos, {chunks} trechos, {rate:.1f} trechos/s{eta}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="169" />
        <source>Indexing stopped.</source>
        <translation>Indexação interrompida.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="172" />
        <source>{name}: {indexed} indexed, {unchanged} unchanged, {removed} removed, {skipped} skipped ({seconds:.1f} s).</source>
        <translation>{name}: {indexed} indexados, {unchanged} sem mudança, {removed} removidos, {skipped} ignorados ({seconds:.1f} s).</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="134" />
        <source>Model: not loaded</source>
        <translation>Modelo: não carregado</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="153" />
        <source>&amp;File</source>
        <translation>&amp;Arquivo</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="154" />
        <source>New chat</source>
        <translation>Nova conversa</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="157" />
        <source>Add folder…</source>
        <translation>Adicionar pasta…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="161" />
        <source>Settings…</source>
        <translation>Configurações…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="164" />
        <source>Stop answer</source>
        <translation>Parar resposta</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="167" />
        <source>Quit</source>
        <translation>Sair</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="225" />
        <source>Index: {chunks} chunks, {size:.1f} MB</source>
        <translation>Índice: {chunks} trechos, {size:.1f} MB</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="231" />
        <source>Welcome to Arquivo. Add a folder of documents with “Add folder…” on the left, or drag one onto this window; then ask a question about it.</source>
        <translation>Bem-vindo ao Arquivo. Adicione uma pasta de documentos com “Adicionar pasta…” à esquerda, ou arraste uma para esta janela; depois faça uma pergunta sobre ela.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="238" />
        <source>New collection</source>
        <translation>Nova coleção</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="238" />
        <source>Name:</source>
        <translation>Nome:</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="247" />
        <source>Add a folder to {name}</source>
        <translation>Adicionar uma pasta a {name}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="306" />
        <source>Model: loading…</source>
        <translation>Modelo: carregando…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="316" />
        <source>Model: {name} ({device})</source>
        <translation>Modelo: {name} ({device})</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="320" />
        <source>Model: not usable</source>
        <translation>Modelo: inutilizável</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="337" />
        <source>Choose at least one collection to search.</source>
        <translation>Escolha pelo menos uma coleção para buscar.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="339" />
        <source>There are no documents yet: add a folder first.</source>
        <translation>Ainda não há documentos: adicione uma pasta primeiro.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="374" />
        <source>{speed:.1f} tokens/s</source>
        <translation>{speed:.1f} tokens/s</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="428" />
        <source>Rename chat</source>
        <translation>Renomear conversa</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="428" />
        <source>Title:</source>
        <translation>Título:</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="437" />
        <source>Delete chat</source>
        <translation>Excluir conversa</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="437" />
        <source>Delete this chat and its answers?</source>
        <translation>Excluir esta conversa e suas respostas?</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="448" />
        <source>Export chat</source>
        <translation>Exportar conversa</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="448" />
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="496" />
        <source>Arquivo will use the new data folder after a restart.</source>
        <translation>O Arquivo usará a nova pasta de dados depois de reiniciar.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="498" />
        <source>The new language applies after a restart.</source>
        <translation>O novo idioma vale depois de reiniciar.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="35" />
        <source>Settings</source>
        <translation>Configurações</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="45" />
        <source>default (SmolLM2-135M-Instruct)</source>
        <translation>padrão (SmolLM2-135M-Instruct)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="46" />
        <location filename="../../desktop/ui/dialogs/settings.py" line="76" />
        <source>Choose…</source>
        <translation>Escolher…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="54" />
        <location filename="../../desktop/ui/dialogs/settings.py" line="58" />
        <source>automatic</source>
        <translation>automático</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="73" />
        <source>System</source>
        <translation>Sistema</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="83" />
        <source>Chat model (GGUF)</source>
        <translation>Modelo de conversa (GGUF)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="84" />
        <source>Threads</source>
        <translation>Threads</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="85" />
        <source>GPU layers</source>
        <translation>Camadas na GPU</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="86" />
        <source>Context size (tokens)</source>
        <translation>Tamanho do contexto (tokens)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="87" />
        <source>Temperature</source>
        <translation>Temperatura</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="88" />
        <source>Number of sources</source>
        <translation>Número de fontes</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="89" />
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="90" />
        <source>Data folder (after a restart)</source>
        <translation>Pasta de dados (depois de reiniciar)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="103" />
        <source>Choose a GGUF model</source>
        <translation>Escolha um modelo GGUF</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="104" />
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>Modelos GGUF (*.gguf);;Todos os arquivos (*)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="111" />
        <source>Choose the data folder</source>
        <translation>Escolha a pasta de dados</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="120" />
        <source>This model cannot be used: {reason}</source>
        <translation>Este modelo não pode ser usado: {reason}</translation>
    </message>
</context>
<context>
    <name>SourcesView</name>
    <message>
        <location filename="../../desktop/ui/views/sources.py" line="55" />
        <source>Open at page</source>
        <translation>Abrir na página</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/sources.py" line="58" />
        <source>&lt;b&gt;Sources&lt;/b&gt;</source>
        <translation>&lt;b&gt;Fontes&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/sources.py" line="71" />
        <source>, page {page}</source>
        <translation>, página {page}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/sources.py" line="102" />
        <source>page {page}</source>
        <translation>página {page}</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <location filename="../../desktop/ui/errors.py" line="20" />
        <source>The model {path} cannot be used: {reason}</source>
        <translation>O modelo {path} não pode ser usado: {reason}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/errors.py" line="24" />
        <source>The adapter {path} cannot be used: {reason}</source>
        <translation>O adaptador {path} não pode ser usado: {reason}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/errors.py" line="28" />
        <source>{path} cannot be read: {reason}</source>
        <translation>{path} não pode ser lido: {reason}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/errors.py" line="32" />
        <source>There is no collection named {name}.</source>
        <translation>Não há coleção chamada {name}.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/errors.py" line="36" />
        <source>Bad setting {key}: {reason}</source>
        <translation>Configuração inválida {key}: {reason}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/errors.py" line="41" />
        <source>Something unexpected went wrong: {error}</source>
        <translation>Algo inesperado deu errado: {error}</translation>
    </message>
</context>
</TS>