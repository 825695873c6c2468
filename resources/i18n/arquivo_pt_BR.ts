<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="pt_BR">
<context>
    <name>AdapterRow</name>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="70" />
        <source>scale </source>
        <translation>escala </translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="72" />
        <source>Remove</source>
        <translation>Remover</translation>
    </message>
</context>
<context>
    <name>AdaptersController</name>
    <message>
        <location filename="../../desktop/ui/controllers/adapters.py" line="69" />
        <source>Model: loading…</source>
        <translation>Modelo: carregando…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/adapters.py" line="80" />
        <source>Model: {name} ({device})</source>
        <translation>Modelo: {name} ({device})</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/adapters.py" line="86" />
        <source>Model: not usable</source>
        <translation>Modelo: inutilizável</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/adapters.py" line="134" />
        <source>Choose a LoRA adapter for {name}</source>
        <translation>Escolha um adaptador LoRA para {name}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/adapters.py" line="135" />
        <source>GGUF adapters (*.gguf);;All files (*)</source>
        <translation>Adaptadores GGUF (*.gguf);;Todos os arquivos (*)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/adapters.py" line="151" />
        <source>{name} now answers with the adapter {file}</source>
        <translation>{name} agora responde com o adaptador {file}</translation>
    </message>
</context>
<context>
    <name>AnsweringController</name>
    <message>
        <location filename="../../desktop/ui/controllers/answering.py" line="74" />
        <source>Choose at least one collection to search.</source>
        <translation>Escolha pelo menos uma coleção para buscar.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/answering.py" line="76" />
        <source>There are no documents yet: add a folder first.</source>
        <translation>Ainda não há documentos: adicione uma pasta primeiro.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/answering.py" line="81" />
        <source>There is no adapter to compare with: add one in the settings, or give the collection one.</source>
        <translation>Não há adaptador para comparar: adicione um nas configurações ou dê um à coleção.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/answering.py" line="189" />
        <source>{speed:.1f} tokens/s</source>
        <translation>{speed:.1f} tokens/s</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/answering.py" line="227" />
        <source>Reading the sources: {percent}%</source>
        <translation>Lendo as fontes: {percent}%</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/answering.py" line="236" />
        <source>Reading the source found…</source>
        <translation>Lendo a fonte encontrada…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/answering.py" line="237" />
        <source>Reading the {n} sources found…</source>
        <translation>Lendo as {n} fontes encontradas…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/answering.py" line="243" />
        <source>Reading {file}: part {n} of {total}…</source>
        <translation>Lendo {file}: parte {n} de {total}…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/answering.py" line="246" />
        <source>Read {file} ({total} parts): writing the answer…</source>
        <translation>{file} lido ({total} partes): escrevendo a resposta…</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <location filename="../../desktop/ui/views/chat.py" line="114" />
        <source>Ask a question about your documents (Enter sends, Shift+Enter for a new line)</source>
        <translation>Pergunte algo sobre seus documentos (Enter envia, Shift+Enter quebra a linha)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/chat.py" line="117" />
        <source>Send</source>
        <translation>Enviar</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/chat.py" line="118" />
        <source>Stop</source>
        <translation>Parar</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/chat.py" line="119" />
        <source>Copy</source>
        <translation>Copiar</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/chat.py" line="120" />
        <source>Regenerate</source>
        <translation>Gerar de novo</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/chat.py" line="171" />
        <source>no collection</source>
        <translation>nenhuma coleção</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/chat.py" line="172" />
        <source>Searching: {names}</source>
        <translation>Buscando em: {names}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/chat.py" line="261" />
        <source>You</source>
        <translation>Você</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/chat.py" line="261" />
        <location filename="../../desktop/ui/views/chat.py" line="273" />
        <source>Arquivo</source>
        <translation>Arquivo</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/chat.py" line="283" />
        <source>Supporting sentence</source>
        <translation>Frase de apoio</translation>
    </message>
</context>
<context>
    <name>ChatsController</name>
    <message>
        <location filename="../../desktop/ui/controllers/chats.py" line="99" />
        <source>Rename chat</source>
        <translation>Renomear conversa</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/chats.py" line="99" />
        <source>Title:</source>
        <translation>Título:</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/chats.py" line="108" />
        <source>Delete chat</source>
        <translation>Excluir conversa</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/chats.py" line="108" />
        <source>Delete this chat and its answers?</source>
        <translation>Excluir esta conversa e suas respostas?</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/chats.py" line="120" />
        <source>Export chat</source>
        <translation>Exportar conversa</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/chats.py" line="120" />
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
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
        <location filename="../../desktop/ui/views/collections.py" line="81" />
        <source>New collection</source>
        <translation>Nova coleção</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="82" />
        <source>Add folder…</source>
        <translation>Adicionar pasta…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="83" />
        <source>Remove folder</source>
        <translation>Remover pasta</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="84" />
        <source>Re-index</source>
        <translation>Reindexar</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="89" />
        <source>Re-index with the current model</source>
        <translation>Reindexar com o modelo atual</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="93" />
        <source>LoRA adapter…</source>
        <translation>Adaptador LoRA…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="96" />
        <source>An adapter used whenever a question searches this collection</source>
        <translation>Um adaptador usado sempre que uma pergunta busca nesta coleção</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="99" />
        <source>No adapter</source>
        <translation>Sem adaptador</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="102" />
        <source>Mask personal data</source>
        <translation>Mascarar dados pessoais</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="105" />
        <source>E-mail addresses, phone numbers, CPF, CNPJ, card numbers, IBANs and IP addresses are masked before anything is stored; your files are not changed. Changing it indexes the collection again.</source>
        <translation>E-mails, telefones, CPF, CNPJ, números de cartão, IBANs e endereços IP são mascarados antes de qualquer coisa ser guardada; seus arquivos não são alterados. Mudar isto reindexa a coleção.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="127" />
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="130" />
        <source>Skipped files</source>
        <translation>Arquivos ignorados</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="151" />
        <source>&lt;b&gt;Collections&lt;/b&gt;</source>
        <translation>&lt;b&gt;Coleções&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="174" />
        <source>{name} — {files} files, {chunks} chunks</source>
        <translation>{name} — {files} arquivos, {chunks} trechos</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="178" />
        <source>{text} — needs re-indexing</source>
        <translation>{text} — precisa ser reindexada</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="210" />
        <source>{name} was indexed with the embedding model {model}, which is not installed: it cannot be searched until it is re-indexed with the current model.</source>
        <translation>{name} foi indexada com o modelo de embeddings {model}, que não está instalado: não é possível buscar nela até reindexá-la com o modelo atual.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="212" />
        <source>{name} answers with its own embedding model, {model}; new collections use the current one. Re-indexing moves it to the current model.</source>
        <translation>{name} responde com seu próprio modelo de embeddings, {model}; coleções novas usam o atual. Reindexar a passa para o modelo atual.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="220" />
        <source>Portuguese</source>
        <translation>português</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="220" />
        <source>English</source>
        <translation>inglês</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="222" />
        <source>{name} is in {language}, which its embedding model {model} was not trained on: questions in {language} are found by their words, questions in another language much less well (by names and shared roots). A multilingual model ({multilingual}) finds passages by meaning in both: choose it in Settings, then re-index the collection.</source>
        <translation>{name} está em {language}, língua em que seu modelo de embeddings, {model}, não foi treinado: perguntas em {language} são encontradas pelas palavras, perguntas em outra língua bem menos (por nomes e radicais em comum). Um modelo multilíngue ({multilingual}) encontra trechos pelo sentido nas duas: escolha-o nas Configurações e reindexe a coleção.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="239" />
        <source>Indexing {name}…</source>
        <translation>Indexando {name}…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="254" />
        <source>, {time} left</source>
        <translation>, faltam {time}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="258" />
        <source>Indexing {name}: {done}/{total} files, {chunks} chunks, {rate:.1f} chunks/s{eta}</source>
        <translation>Indexando {name}: {done}/{total} arquivos, {chunks} trechos, {rate:.1f} trechos/s{eta}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="263" />
        <source>{file}: reading scanned page {n} of {total}</source>
        <translation>{file}: lendo a página digitalizada {n} de {total}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="283" />
        <source>Indexing {name} stopped.</source>
        <translation>Indexação de {name} interrompida.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="286" />
        <source>{name}: {indexed} indexed, {unchanged} unchanged, {removed} removed, {skipped} skipped ({seconds:.1f} s).</source>
        <translation>{name}: {indexed} indexados, {unchanged} sem mudança, {removed} removidos, {skipped} ignorados ({seconds:.1f} s).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/collections.py" line="336" />
        <source>Adapter: {file} (scale {scale:g})</source>
        <translation>Adaptador: {file} (escala {scale:g})</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <location filename="../../desktop/ui/views/compare.py" line="32" />
        <source>Compare with/without adapter</source>
        <translation>Comparar com/sem adaptador</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/compare.py" line="64" />
        <source>Adapter: none</source>
        <translation>Adaptador: nenhum</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/compare.py" line="65" />
        <source>none</source>
        <translation>nenhum</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/compare.py" line="68" />
        <source>Adapter: {names}</source>
        <translation>Adaptador: {names}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/compare.py" line="70" />
        <source>(switched in {ms:.2f} ms)</source>
        <translation>(trocado em {ms:.2f} ms)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/compare.py" line="72" />
        <source>&lt;b&gt;Without adapter&lt;/b&gt;</source>
        <translation>&lt;b&gt;Sem adaptador&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/compare.py" line="73" />
        <source>&lt;b&gt;With adapter&lt;/b&gt; ({names})</source>
        <translation>&lt;b&gt;Com adaptador&lt;/b&gt; ({names})</translation>
    </message>
</context>
<context>
    <name>IndexingController</name>
    <message>
        <location filename="../../desktop/ui/controllers/indexing.py" line="126" />
        <source>Index: {chunks} chunks, {size:.1f} MB</source>
        <translation>Índice: {chunks} trechos, {size:.1f} MB</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/indexing.py" line="142" />
        <source>New collection</source>
        <translation>Nova coleção</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/indexing.py" line="142" />
        <source>Name:</source>
        <translation>Nome:</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/indexing.py" line="160" />
        <source>Add a folder to {name}</source>
        <translation>Adicionar uma pasta a {name}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/indexing.py" line="202" />
        <source>No personal data was found.</source>
        <translation>Nenhum dado pessoal foi encontrado.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/indexing.py" line="203" />
        <source>Personal data masked in {name}:
{found}</source>
        <translation>Dados pessoais mascarados em {name}:
{found}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="119" />
        <source>Model: not loaded</source>
        <translation>Modelo: não carregado</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="143" />
        <source>&amp;File</source>
        <translation>&amp;Arquivo</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="144" />
        <source>New chat</source>
        <translation>Nova conversa</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="147" />
        <source>Add folder…</source>
        <translation>Adicionar pasta…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="149" />
        <source>Settings…</source>
        <translation>Configurações…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="152" />
        <source>Stop answer</source>
        <translation>Parar resposta</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="155" />
        <source>Quit</source>
        <translation>Sair</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="195" />
        <source>Welcome to Arquivo. Add a folder of documents with “Add folder…” on the left, or drag one onto this window; then ask a question about it.</source>
        <translation>Bem-vindo ao Arquivo. Adicione uma pasta de documentos com “Adicionar pasta…” à esquerda, ou arraste uma para esta janela; depois faça uma pergunta sobre ela.</translation>
    </message>
</context>
<context>
    <name>SettingsController</name>
    <message>
        <location filename="../../desktop/ui/controllers/settings.py" line="48" />
        <source>Arquivo will use the new data folder after a restart.</source>
        <translation>O Arquivo usará a nova pasta de dados depois de reiniciar.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/controllers/settings.py" line="50" />
        <source>The new language applies after a restart.</source>
        <translation>O novo idioma vale depois de reiniciar.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="98" />
        <location filename="../../desktop/ui/dialogs/settings.py" line="384" />
        <source>Settings</source>
        <translation>Configurações</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="129" />
        <location filename="../../desktop/ui/dialogs/settings.py" line="164" />
        <source>Choose…</source>
        <translation>Escolher…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="139" />
        <location filename="../../desktop/ui/dialogs/settings.py" line="143" />
        <source>automatic</source>
        <translation>automático</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="161" />
        <source>System</source>
        <translation>Sistema</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="184" />
        <source>Used for new collections; a collection keeps the model it was indexed with.</source>
        <translation>Usado nas coleções novas; cada coleção mantém o modelo com que foi indexada.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="187" />
        <source>Off</source>
        <translation>Desligado</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="194" />
        <source>Re-reads the best passages and reorders them: better order, slower answers.</source>
        <translation>Relê os melhores trechos e os reordena: ordem melhor, respostas mais lentas.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="197" />
        <source>off</source>
        <translation>desligado</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="199" />
        <source>Tesseract languages for scanned pages, joined by +, e.g. por+eng.</source>
        <translation>Idiomas do Tesseract para páginas digitalizadas, unidos por +, por exemplo por+eng.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="206" />
        <source>Add adapter…</source>
        <translation>Adicionar adaptador…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="222" />
        <source>Threads</source>
        <translation>Threads</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="223" />
        <source>LoRA adapters</source>
        <translation>Adaptadores LoRA</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="224" />
        <source>GPU layers</source>
        <translation>Camadas na GPU</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="225" />
        <source>Context size (tokens)</source>
        <translation>Tamanho do contexto (tokens)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="226" />
        <source>Temperature</source>
        <translation>Temperatura</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="227" />
        <source>Number of sources</source>
        <translation>Número de fontes</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="228" />
        <source>Embedding model (new collections)</source>
        <translation>Modelo de embeddings (coleções novas)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="229" />
        <source>Reranker</source>
        <translation>Reordenador</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="230" />
        <source>OCR languages (scanned PDFs)</source>
        <translation>Idiomas do OCR (PDFs digitalizados)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="231" />
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="232" />
        <source>Data folder (after a restart)</source>
        <translation>Pasta de dados (depois de reiniciar)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="248" />
        <source>{title}, {size} MB</source>
        <translation>{title}, {size} MB</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="250" />
        <source>(not installed: {command})</source>
        <translation>(não instalado: {command})</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="252" />
        <source>Another GGUF file…</source>
        <translation>Outro arquivo GGUF…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="270" />
        <source>Choose a GGUF model</source>
        <translation>Escolha um modelo GGUF</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="271" />
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>Modelos GGUF (*.gguf);;Todos os arquivos (*)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="309" />
        <source>Choose the data folder</source>
        <translation>Escolha a pasta de dados</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="304" />
        <source>This model cannot be used: {reason}</source>
        <translation>Este modelo não pode ser usado: {reason}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="122" />
        <source>default (Qwen2.5-Coder 0.5B)</source>
        <translation>padrão (Qwen2.5-Coder 0.5B)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="219" />
        <source>Chat model</source>
        <translation>Modelo de conversa</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="221" />
        <source>Chat model file (GGUF)</source>
        <translation>Arquivo do modelo de conversa (GGUF)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="327" />
        <source>Choose a LoRA adapter</source>
        <translation>Escolha um adaptador LoRA</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/dialogs/settings.py" line="328" />
        <source>GGUF adapters (*.gguf);;All files (*)</source>
        <translation>Adaptadores GGUF (*.gguf);;Todos os arquivos (*)</translation>
    </message>
</context>
<context>
    <name>SourcesView</name>
    <message>
        <location filename="../../desktop/ui/views/sources.py" line="78" />
        <source>Open at page</source>
        <translation>Abrir na página</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/sources.py" line="81" />
        <source>&lt;b&gt;Sources&lt;/b&gt;</source>
        <translation>&lt;b&gt;Fontes&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/sources.py" line="94" />
        <source>, page {page}</source>
        <translation>, página {page}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/sources.py" line="97" />
        <source> (closest: not an answer)</source>
        <translation> (mais próxima: não é uma resposta)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/sources.py" line="99" />
        <source> (cited)</source>
        <translation> (citada)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/sources.py" line="99" />
        <source> (not cited)</source>
        <translation> (não citada)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/sources.py" line="133" />
        <source>page {page}</source>
        <translation>página {page}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/views/sources.py" line="138" />
        <source>The sentence that best supports the answer is highlighted.</source>
        <translation>A frase que melhor sustenta a resposta está destacada.</translation>
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